package dev.mcplatencyprobe.binding;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/** The libc call Java has no API for: a signal other than TERM/KILL. */
public final class LibC {
    public static final int SIGCONT = 18;

    static {
        NativeTempDir.ensure();
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {}

    public static native int kill(int pid, int signal);
}
