package dev.mcplatencyprobe.targets;

/**
 * A target could not be resolved or started. The message is one line a user can act on ("no cgroup
 * v2 directory ...", "cannot execute 'x': command not found in PATH"). Its own type, not the probe's
 * exception, so that this package does not depend on the probe that uses it: {@code SyscallProbe}
 * turns it into a {@code ProbeException} of the same kind and message.
 */
public class TargetException extends RuntimeException {
    /** What went wrong, so that callers can choose an exit status. */
    public enum Kind {
        /** A target that cannot work: no such unit, cgroup, command. */
        BAD_TARGET,
        /** The system lacks something: no cgroup v2 mount, no /proc, no setpriv. */
        UNSUPPORTED,
        /** Anything else: the launched command did not stop or resume. */
        FAILED,
    }

    private final Kind kind;

    public TargetException(Kind kind, String message) {
        this(kind, message, null);
    }

    public TargetException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
