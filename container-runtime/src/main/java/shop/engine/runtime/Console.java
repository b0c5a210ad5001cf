package shop.engine.runtime;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import shop.engine.support.EngineException;

/**
 * The engine's end of a container process's pseudo-terminal: the master the runtime created it with
 * and sent over ({@link ConsoleSocket}). The process has the other end, the slave, as its stdin,
 * stdout and stderr and as its controlling terminal.
 *
 * <p>What goes through it is what a terminal does, not a pipe's bytes. The kernel's line discipline
 * sits between the ends: input is echoed back, {@code \n} comes out as {@code \r\n}, stdout and
 * stderr are one stream; Ctrl-C (0x03) written here sends SIGINT to the terminal's foreground
 * process group, and Ctrl-D (0x04) at the start of a line ends the process's input. Someone must
 * keep reading {@link #inputStream}: the terminal buffers a few kilobytes, then the process blocks
 * in write.
 *
 * <p>The descriptor is worked with read(2), write(2) and ioctl(2) through JNA. Java opens only paths,
 * and the path of this descriptor, /proc/self/fd/N, leads to /dev/ptmx, whose every open makes a new
 * terminal, not this one. Reading ends (-1) when the terminal hangs up: read(2) fails with EIO once
 * every process that had the slave open has closed it (the process, and whatever it started that
 * kept it) and what they wrote has been read.
 *
 * <p>A descriptor cannot be closed under a thread blocked on it: the blocked read would go on
 * reading the terminal, and the number, free again, could name the next file anyone opens. So each
 * read and write waits in poll(2) on the master together with an eventfd, and {@link #close} first
 * signals the eventfd, which wakes them all and stays signalled, then takes the descriptors away once
 * no call is inside (a read-write lock: calls share it, close holds it alone). An eventfd rather
 * than a timeout: an idle console costs no wake-ups.
 *
 * <p>The engine holds the only master (the runtime closes its copy once sent), close-on-exec, so no
 * process the engine starts inherits another container's terminal. When the engine process ends, or
 * closes the console, the terminal hangs up: the kernel sends SIGHUP to the session leader, the
 * process the terminal was made for, and from then on its reads of the terminal end and its writes
 * fail. A container's first process, its pid namespace's init, ignores SIGHUP unless it handles it,
 * but shells and most programs stop at that end of input; an exec'd process dies of the SIGHUP. So a
 * container with a terminal does not outlive the engine, unlike one without (Docker keeps the master
 * in containerd's shim, a process per container, for that).
 */
public final class Console implements AutoCloseable {

    private static final LibC LIBC = LibC.INSTANCE;
    private static final int CHUNK = 8192;

    private final int master;
    private final int wakeup;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReadWriteLock descriptors = new ReentrantReadWriteLock();
    private final InputStream fromTerminal = new FromTerminal();
    private final OutputStream toTerminal = new ToTerminal();

    private Console(int master, int wakeup) {
        this.master = master;
        this.wakeup = wakeup;
    }

    /** Takes over a terminal master; closes it if the console cannot be made. */
    static Console of(int master) throws IOException {
        int wakeup = LIBC.eventfd(0, LibC.EFD_CLOEXEC);
        if (wakeup < 0) {
            String why = LibC.why();
            LIBC.close(master);
            throw new IOException("console: eventfd: " + why);
        }
        return new Console(master, wakeup);
    }

    /**
     * What the process writes to its terminal, echoed input included; -1 once the terminal has hung
     * up or the console is closed. Closing the stream does nothing: a terminal has no half-close.
     */
    public InputStream inputStream() {
        return fromTerminal;
    }

    /** Types into the terminal, control characters included. Closing the stream does nothing. */
    public OutputStream outputStream() {
        return toTerminal;
    }

    /** Sets the terminal's size; the kernel sends SIGWINCH to its foreground process group. */
    public void resize(int rows, int cols) {
        TerminalSize size = new TerminalSize(rows, cols);
        descriptors.readLock().lock();
        try {
            if (closed.get()) {
                throw EngineException.conflict("resize terminal to " + rows + "x" + cols + ": console closed");
            }
            short[] windowSize = {(short) size.rows(), (short) size.cols(), 0, 0};
            if (LIBC.ioctl(master, new NativeLong(LibC.TIOCSWINSZ), windowSize) != 0) {
                throw EngineException.failed("resize terminal to " + rows + "x" + cols + ": ioctl TIOCSWINSZ: " + LibC.why(), null);
            }
        } finally {
            descriptors.readLock().unlock();
        }
    }

    /** Hangs the terminal up (see the class comment) and ends every read and write; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Memory one = new Memory(Long.BYTES);
        one.setLong(0, 1);
        LIBC.write(wakeup, one, new NativeLong(Long.BYTES));
        descriptors.writeLock().lock();
        try {
            LIBC.close(master);
            LIBC.close(wakeup);
        } finally {
            descriptors.writeLock().unlock();
        }
    }

    /**
     * Waits until the master is ready for {@code events}, or in error (the call that follows tells
     * which); false once the console is closing. The caller holds the read lock.
     */
    private boolean await(Memory fds, short events) throws IOException {
        fds.setInt(0, master);
        fds.setShort(4, events);
        fds.setInt(LibC.POLLFD_SIZE, wakeup);
        fds.setShort(LibC.POLLFD_SIZE + 4, LibC.POLLIN);
        while (!closed.get()) {
            fds.setShort(6, (short) 0);
            fds.setShort(LibC.POLLFD_SIZE + 6, (short) 0);
            if (LIBC.poll(fds, new NativeLong(2), -1) < 0) {
                if (Native.getLastError() == LibC.EINTR) {
                    continue;
                }
                throw new IOException("console: poll: " + LibC.why());
            }
            if (fds.getShort(LibC.POLLFD_SIZE + 6) != 0) {
                return false;
            }
            if (fds.getShort(6) != 0) {
                return true;
            }
        }
        return false;
    }

    private final class FromTerminal extends InputStream {

        private final Memory buffer = new Memory(CHUNK);
        private final Memory fds = new Memory(2 * LibC.POLLFD_SIZE);

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            descriptors.readLock().lock();
            try {
                while (await(fds, LibC.POLLIN)) {
                    long n = LIBC.read(master, buffer, new NativeLong(Math.min(len, CHUNK))).longValue();
                    if (n > 0) {
                        buffer.read(0, b, off, (int) n);
                        return (int) n;
                    }
                    int errno = Native.getLastError();
                    if (n == 0 || errno == LibC.EIO) {
                        return -1;
                    }
                    if (errno != LibC.EINTR) {
                        throw new IOException("read terminal: " + LIBC.strerror(errno));
                    }
                }
                return -1;
            } finally {
                descriptors.readLock().unlock();
            }
        }
    }

    private final class ToTerminal extends OutputStream {

        private final Memory buffer = new Memory(CHUNK);
        private final Memory fds = new Memory(2 * LibC.POLLFD_SIZE);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            descriptors.readLock().lock();
            try {
                while (len > 0) {
                    if (!await(fds, LibC.POLLOUT)) {
                        throw new IOException("write terminal: console closed");
                    }
                    int chunk = Math.min(len, CHUNK);
                    buffer.write(0, b, off, chunk);
                    long n = LIBC.write(master, buffer, new NativeLong(chunk)).longValue();
                    if (n < 0) {
                        if (Native.getLastError() == LibC.EINTR) {
                            continue;
                        }
                        // EIO: the terminal hung up, the process is gone.
                        throw new IOException("write terminal: " + LibC.why());
                    }
                    off += (int) n;
                    len -= (int) n;
                }
            } finally {
                descriptors.readLock().unlock();
            }
        }
    }
}
