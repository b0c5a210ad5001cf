package shop.engine.runtime;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The unix socket a runtime hands a new terminal over ({@code --console-socket}), from listen to the
 * received {@link Console}.
 *
 * <p>For a process whose config asks for a terminal, the runtime opens a pseudo-terminal inside the
 * container (its own devpts), makes the slave the process's stdio and controlling terminal, connects
 * to this socket and sends the master as SCM_RIGHTS ancillary data, one descriptor with a few bytes
 * of payload (crun a space, runc the terminal's name; neither is needed), then closes its own copy.
 * {@code run --detach} has sent it by the time it returns; {@code exec} sends it just after forking
 * the process and stays until that exits.
 *
 * <p>{@link #receive} waits for the runtime's exit as well as for a deadline, so a start that fails
 * never waits long: crun 1.8 connects before it creates anything, and when it then fails (a command
 * that does not exist) or the config asked for no terminal, it closes the connection without a
 * descriptor; when it fails earlier it never connects. Whatever arrives is close-on-exec at once
 * (MSG_CMSG_CLOEXEC).
 *
 * <p>A socket's path must fit sun_path, 108 bytes, and one in a container's bundle does not
 * (/var/lib/shop-engine/containers/&lt;64 hex&gt;/bundle/console.sock is 116). So it is bound through
 * the directory's descriptor, /proc/self/fd/N/&lt;name&gt;, and the runtime is given the bare name
 * and run in that directory ({@link #directory}, {@link #name}); crun resolves it there. The file is
 * root's with the umask's mode (0755 under the usual 022): only root, as the runtime runs, can
 * connect. {@link #close}
 * removes it; one left by an engine that died during a start is removed before the bind, which it
 * would fail (EADDRINUSE).
 */
final class ConsoleSocket implements AutoCloseable {

    private static final LibC LIBC = LibC.INSTANCE;
    /** How often a wait looks whether the runtime has exited. */
    private static final long POLL_SLICE_MILLIS = 20;
    /** Payload bytes read with the descriptor (runc sends the terminal's name; the rest is dropped with the connection). */
    private static final int PAYLOAD = 128;
    /** struct cmsghdr: a size_t length, then int level and int type, padded to a size_t; the data follows. */
    private static final int CMSG_HEADER = align(NativeLong.SIZE + 2 * Integer.BYTES);
    private static final int CMSG_SPACE_ONE_FD = CMSG_HEADER + align(Integer.BYTES);

    private final Path path;
    private final int listener;

    private ConsoleSocket(Path path, int listener) {
        this.path = path;
        this.listener = listener;
    }

    /** Listens on {@code path}; its directory must exist. */
    static ConsoleSocket listen(Path path) throws IOException {
        Files.deleteIfExists(path);
        int directory = LIBC.open(path.getParent().toString(), LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        if (directory < 0) {
            throw new IOException("console socket " + path + ": open " + path.getParent() + ": " + LibC.why());
        }
        int listener = LIBC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        try {
            if (listener < 0) {
                throw new IOException("console socket " + path + ": socket: " + LibC.why());
            }
            Memory address = address("/proc/self/fd/" + directory + "/" + path.getFileName());
            if (LIBC.bind(listener, address, (int) address.size()) != 0) {
                throw new IOException("console socket " + path + ": bind: " + LibC.why());
            }
            if (LIBC.listen(listener, 1) != 0) {
                throw new IOException("console socket " + path + ": listen: " + LibC.why());
            }
            return new ConsoleSocket(path, listener);
        } catch (IOException e) {
            if (listener >= 0) {
                LIBC.close(listener);
            }
            Files.deleteIfExists(path);
            throw e;
        } finally {
            LIBC.close(directory);
        }
    }

    /** The directory the runtime must run in for {@link #name} to lead here. */
    Path directory() {
        return path.getParent();
    }

    /** What to give the runtime's {@code --console-socket}. */
    String name() {
        return path.getFileName().toString();
    }

    /**
     * The terminal {@code runtime} sends; empty when it exits or hangs up without sending one, or
     * sends none within {@code timeout}.
     */
    Optional<Console> receive(Process runtime, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!awaitReadable(listener, runtime, deadline)) {
            return Optional.empty();
        }
        int connection = LIBC.accept4(listener, null, null, LibC.SOCK_CLOEXEC);
        if (connection < 0) {
            throw new IOException("console socket " + path + ": accept: " + LibC.why());
        }
        try {
            if (!awaitReadable(connection, runtime, deadline)) {
                return Optional.empty();
            }
            int master = receiveDescriptor(connection);
            return master < 0 ? Optional.empty() : Optional.of(Console.of(master));
        } finally {
            LIBC.close(connection);
        }
    }

    /** Stops listening and removes the socket file. */
    @Override
    public void close() {
        LIBC.close(listener);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // The next listen on this path removes it.
        }
    }

    /**
     * Polls {@code fd} until it is readable; false when the deadline passes first, or the runtime has
     * exited and it is still not readable (what the runtime sent before its exit is queued by then).
     */
    private boolean awaitReadable(int fd, Process runtime, long deadline) throws IOException {
        Memory pollFd = new Memory(LibC.POLLFD_SIZE);
        pollFd.setInt(0, fd);
        pollFd.setShort(4, LibC.POLLIN);
        while (true) {
            boolean exited = !runtime.isAlive();
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            int wait = exited || left <= 0 ? 0 : (int) Math.min(POLL_SLICE_MILLIS, left);
            pollFd.setShort(6, (short) 0);
            int ready = LIBC.poll(pollFd, new NativeLong(1), wait);
            if (ready > 0) {
                return true;
            }
            if (ready < 0 && Native.getLastError() != LibC.EINTR) {
                throw new IOException("console socket " + path + ": poll: " + LibC.why());
            }
            if (ready == 0 && wait == 0) {
                return false;
            }
        }
    }

    /** The descriptor of the one SCM_RIGHTS message on {@code connection}; -1 when it closed without one. */
    private int receiveDescriptor(int connection) throws IOException {
        Memory payload = new Memory(PAYLOAD);
        Memory control = new Memory(CMSG_SPACE_ONE_FD);
        control.clear();
        LibC.IoVec iov = new LibC.IoVec();
        iov.base = payload;
        iov.length = new NativeLong(PAYLOAD);
        iov.write();
        LibC.MessageHeader message = new LibC.MessageHeader();
        message.iov = iov.getPointer();
        message.iovLength = new NativeLong(1);
        message.control = control;
        message.controlLength = new NativeLong(CMSG_SPACE_ONE_FD);
        long received;
        do {
            received = LIBC.recvmsg(connection, message, LibC.MSG_CMSG_CLOEXEC).longValue();
        } while (received < 0 && Native.getLastError() == LibC.EINTR);
        if (received < 0) {
            throw new IOException("console socket " + path + ": recvmsg: " + LibC.why());
        }
        message.read();
        // The kernel shortens controlLength to what it wrote: nothing when no descriptor came.
        boolean hasDescriptor = message.controlLength.longValue() >= CMSG_HEADER + Integer.BYTES
                && control.getInt(NativeLong.SIZE) == LibC.SOL_SOCKET
                && control.getInt(NativeLong.SIZE + Integer.BYTES) == LibC.SCM_RIGHTS;
        return hasDescriptor ? control.getInt(CMSG_HEADER) : -1;
    }

    /** A sockaddr_un for {@code socketPath}, sized to its end. */
    private static Memory address(String socketPath) throws IOException {
        byte[] bytes = socketPath.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= LibC.SUN_PATH_SIZE) {
            throw new IOException("console socket: " + socketPath + ": longer than a socket address holds");
        }
        Memory address = new Memory(LibC.SUN_PATH_OFFSET + bytes.length + 1);
        address.clear();
        address.setShort(0, (short) LibC.AF_UNIX);
        address.write(LibC.SUN_PATH_OFFSET, bytes, 0, bytes.length);
        return address;
    }

    private static int align(int length) {
        return (length + NativeLong.SIZE - 1) & -NativeLong.SIZE;
    }
}
