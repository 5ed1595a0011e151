package dev.mcplatencyprobe.probe;

import dev.mcplatencyprobe.targets.TargetException;

/**
 * A probe could not be set up or used. The message is one line a user can act on
 * ("needs CAP_BPF and CAP_PERFMON ...", "no process with PID 42"); {@link #kind()} tells callers
 * such as the CLI whether it was the user's input, the environment or the kernel.
 */
public class ProbeException extends RuntimeException {
    /** What went wrong, so that callers can choose an exit status or retry. */
    public enum Kind {
        /** A target or option that cannot work: no such PID, unit, cgroup, command. */
        BAD_TARGET,
        /** Missing capabilities. */
        PRIVILEGES,
        /** The kernel or system lacks something: BTF, BPF features, libbpf. */
        UNSUPPORTED,
        /** The probe was used after close. */
        CLOSED,
        /** Anything else the kernel or shim reported. */
        FAILED,
    }

    private final Kind kind;

    public ProbeException(Kind kind, String message) {
        this(kind, message, null);
    }

    public ProbeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** A target's failure as the probe's: same kind and message, so callers catch one type. */
    public static ProbeException of(TargetException e) {
        Kind kind = switch (e.kind()) {
            case BAD_TARGET -> Kind.BAD_TARGET;
            case UNSUPPORTED -> Kind.UNSUPPORTED;
            case FAILED -> Kind.FAILED;
        };
        return new ProbeException(kind, e.getMessage(), e);
    }

    public Kind kind() {
        return kind;
    }
}
