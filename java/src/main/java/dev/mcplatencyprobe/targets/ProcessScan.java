package dev.mcplatencyprobe.targets;

import dev.mcplatencyprobe.binding.Shim;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The processes that match a target now; the kernel hooks take care of those that match later. */
public final class ProcessScan {
    private static final Path PROC = Path.of("/proc");

    /** The kernel keeps a command name in TASK_COMM_LEN bytes with its terminating NUL. */
    public static final int COMM_MAX_CHARS = Shim.COMM_LEN - 1;

    private ProcessScan() {}

    /** {@code name} as the kernel keeps it as a comm: its first {@link #COMM_MAX_CHARS}. */
    public static String kernelComm(String name) {
        return name.length() > COMM_MAX_CHARS ? name.substring(0, COMM_MAX_CHARS) : name;
    }

    /** Processes whose comm is {@code comm} (compared as the kernel keeps it: 15 bytes). */
    public static List<Long> withCommand(String comm) {
        String wanted = kernelComm(comm);
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.filter(p -> isPid(p.getFileName().toString())).forEach(p -> {
                try {
                    if (Files.readString(p.resolve("comm"), StandardCharsets.UTF_8).strip().equals(wanted)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // Exited while we looked.
                }
            });
        } catch (IOException e) {
            throw new TargetException(TargetException.Kind.UNSUPPORTED, "cannot list /proc: " + e.getMessage(), e);
        }
        return pids;
    }

    /** Processes in the cgroup directory {@code dir} and its descendants. */
    public static List<Long> inCgroup(Path dir) {
        List<Long> pids = new ArrayList<>();
        collect(dir, pids);
        return pids;
    }

    // Walked by hand: a sub-cgroup removed while we look must not end the walk for its siblings.
    private static void collect(Path dir, List<Long> pids) {
        try {
            Files.readAllLines(dir.resolve("cgroup.procs")).stream().filter(ProcessScan::isPid).map(Long::parseLong).forEach(pids::add);
        } catch (IOException gone) {
            return;
        }
        List<Path> children;
        try (Stream<Path> entries = Files.list(dir)) {
            children = entries.filter(Files::isDirectory).toList();
        } catch (IOException | java.io.UncheckedIOException gone) {
            return;
        }
        children.forEach(child -> collect(child, pids));
    }

    /** The process (tgid) a PID or thread id belongs to, from /proc/PID/status; -1 if it is gone. */
    public static long processOf(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("Tgid:")) {
                    return Long.parseLong(line.substring("Tgid:".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // Exited, or no /proc: let the caller's own check speak.
        }
        return -1;
    }

    private static boolean isPid(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
