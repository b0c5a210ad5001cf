package shop.engine.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The libc calls the JDK has no API for, bound once for the package: making the engine a child
 * subreaper and reaping children the JDK did not start ({@link InitProcess}).
 *
 * <p>Each call returns -1 on failure with errno in {@link Native#getLastError()} (JNA keeps it per
 * thread right after the call); {@link #why} words it as crun does.
 */
interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** {@code info} is a siginfo_t (128 bytes); si_pid is its fifth int. */
    int waitid(int idType, int id, int[] info, int options);

    int waitpid(int pid, int[] status, int options);

    String strerror(int errno);

    /** errno of this thread's last call, as strerror words it ("No such file or directory"). */
    static String why() {
        return INSTANCE.strerror(Native.getLastError());
    }
}
