package dev.mcplatencyprobe.probe;

/**
 * The shim's failures as {@link ProbeException}s, classified by the errno it returned (every shim
 * function returns {@code -errno}); its message, {@code mlp_last_error()}, is only shown.
 */
final class ShimErrors {
    // Linux errno values (asm-generic/errno-base.h, errno.h): the same on every architecture the probe runs on.
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EXDEV = 18;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95; // ENOTSUP has the same value on Linux

    private ShimErrors() {}

    /**
     * @param result  what the shim function returned, negative
     * @param loading true for {@code mlp_open}: there a kernel that cannot load or verify the program
     *                (no BTF: ENOENT, no PID-namespace support: EXDEV, EINVAL from the verifier, a
     *                missing feature: EOPNOTSUPP, ENOSYS) lacks something the probe needs
     */
    static ProbeException.Kind kindOf(int result, boolean loading) {
        int errno = -result;
        if (errno == EPERM || errno == EACCES) {
            return ProbeException.Kind.PRIVILEGES;
        }
        if (loading && (errno == ENOENT || errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
            return ProbeException.Kind.UNSUPPORTED;
        }
        return ProbeException.Kind.FAILED;
    }

    static ProbeException failure(int result, boolean loading, String what, String shimMessage) {
        ProbeException.Kind kind = kindOf(result, loading);
        String hint = kind == ProbeException.Kind.PRIVILEGES ? "; " + Privileges.NEEDS : "";
        return new ProbeException(kind, what + " failed: " + shimMessage + hint);
    }
}
