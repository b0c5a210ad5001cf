package shop.engine.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The libc calls the JDK has no API for, bound once for the package: making the engine a child
 * subreaper and reaping children the JDK did not start ({@link InitProcess}); taking a terminal's
 * master from the runtime over a unix socket and working it ({@link ConsoleSocket}, {@link Console}).
 * Java can neither receive a file descriptor over a socket nor read, write or ioctl one it did not
 * open by path itself.
 *
 * <p>Each call returns -1 on failure with errno in {@link Native#getLastError()} (JNA keeps it per
 * thread right after the call); {@link #why} words it as crun does. The constants are Linux's, the
 * same on x86-64 and arm64.
 */
interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int EINTR = 4;
    int EIO = 5;

    int O_DIRECTORY = 0200000;
    int O_CLOEXEC = 02000000;
    int O_PATH = 010000000;

    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_CLOEXEC = O_CLOEXEC;
    int SOL_SOCKET = 1;
    int SCM_RIGHTS = 1;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    /** sockaddr_un: a sa_family_t (unsigned short), then the path, NUL included, in 108 bytes. */
    int SUN_PATH_OFFSET = 2;
    int SUN_PATH_SIZE = 108;

    short POLLIN = 0x1;
    short POLLOUT = 0x4;
    /** struct pollfd: int fd, short events, short revents. */
    int POLLFD_SIZE = 8;

    long TIOCSWINSZ = 0x5414;
    int EFD_CLOEXEC = O_CLOEXEC;

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** {@code info} is a siginfo_t (128 bytes); si_pid is its fifth int. */
    int waitid(int idType, int id, int[] info, int options);

    int waitpid(int pid, int[] status, int options);

    int open(String path, int flags);

    int close(int fd);

    int socket(int domain, int type, int protocol);

    int bind(int fd, Pointer address, int length);

    int listen(int fd, int backlog);

    int accept4(int fd, Pointer address, Pointer length, int flags);

    NativeLong recvmsg(int fd, MessageHeader message, int flags);

    /** {@code fds} is an array of struct pollfd ({@link #POLLFD_SIZE} bytes each). */
    int poll(Pointer fds, NativeLong count, int timeoutMillis);

    NativeLong read(int fd, Pointer buffer, NativeLong count);

    NativeLong write(int fd, Pointer buffer, NativeLong count);

    /** {@code windowSize} is a struct winsize: rows, columns, and two pixel sizes nobody reads. */
    int ioctl(int fd, NativeLong request, short[] windowSize);

    int eventfd(int initialValue, int flags);

    String strerror(int errno);

    /** errno of this thread's last call, as strerror words it ("No such file or directory"). */
    static String why() {
        return INSTANCE.strerror(Native.getLastError());
    }

    /** struct iovec: one buffer of a message. */
    @Structure.FieldOrder({"base", "length"})
    class IoVec extends Structure {
        public Pointer base;
        public NativeLong length;
    }

    /** struct msghdr, for recvmsg: no address, data into {@code iov}, ancillary data into {@code control}. */
    @Structure.FieldOrder({"name", "nameLength", "iov", "iovLength", "control", "controlLength", "flags"})
    class MessageHeader extends Structure {
        public Pointer name;
        public int nameLength;
        public Pointer iov;
        public NativeLong iovLength;
        public Pointer control;
        public NativeLong controlLength;
        public int flags;
    }
}
