package dev.mcplatencyprobe.snapshot;

/** Which span of time a snapshot covers. */
public enum WindowKind {
    /** One report interval ("last 10s"). */
    INTERVAL,
    /** From the start of recording to the moment of the snapshot, while recording goes on. */
    SINCE_START,
    /** The whole run, taken when recording stopped: the final report. */
    WHOLE_RUN
}
