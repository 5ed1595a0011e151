package dev.mcplatencyprobe.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks up front what loading the probe needs, so the user gets the fix rather than an errno. */
public final class Privileges {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;
    static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    public static final String HOW_TO_GRANT = "run with sudo, or give the JVM CAP_BPF and CAP_PERFMON as ambient capabilities "
            + "(systemd: AmbientCapabilities=CAP_BPF CAP_PERFMON; shell: sudo setpriv --reuid=$(id -u) --regid=$(id -g) "
            + "--init-groups --inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon java -jar probe-demo.jar ...)";

    /** What loading needs and how to grant it: the one privilege hint, for the up-front check and the shim's EPERM. */
    static final String NEEDS = "needs CAP_BPF and CAP_PERFMON (or root): " + HOW_TO_GRANT;

    private Privileges() {}

    /**
     * Throws a {@link ProbeException} saying what is missing and how to get it: before anything is
     * started or loaded. The one place for these rules and their messages; the shim only reports errnos.
     */
    public static void check() {
        if (!Files.isReadable(KERNEL_BTF)) {
            throw new ProbeException(ProbeException.Kind.UNSUPPORTED, "kernel has no BTF at " + KERNEL_BTF
                    + ": needs a kernel >= 5.12 built with CONFIG_DEBUG_INFO_BTF=y");
        }
        long caps = effectiveCapabilities();
        boolean bpf = has(caps, CAP_BPF) && has(caps, CAP_PERFMON);
        if (!bpf && !has(caps, CAP_SYS_ADMIN)) {
            throw new ProbeException(ProbeException.Kind.PRIVILEGES, NEEDS);
        }
    }

    private static boolean has(long caps, int cap) {
        return (caps >>> cap & 1) == 1;
    }

    static long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // No /proc: let the kernel decide and report.
        }
        return -1L;
    }
}
