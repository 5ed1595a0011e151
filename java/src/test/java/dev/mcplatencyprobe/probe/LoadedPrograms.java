package dev.mcplatencyprobe.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The BPF programs of ours that are loaded, by id, as bpftool lists them. */
final class LoadedPrograms {
    // Every program of ours is named mlp_*.
    private static final Pattern OURS = Pattern.compile("^(\\d+): \\w+\\s+name mlp_", Pattern.MULTILINE);

    static Set<Integer> ids() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "prog", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("bpftool prog list failed: " + out);
        }
        Set<Integer> ids = new HashSet<>();
        Matcher m = OURS.matcher(out);
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        return ids;
    }

    /** The BPF programs process {@code pid} holds a descriptor of (a program or a link), from its fdinfo. */
    static Set<Integer> heldBy(long pid) throws IOException, InterruptedException {
        Set<Integer> ids = new HashSet<>();
        Pattern progId = Pattern.compile("^prog_id:\\s+(\\d+)$", Pattern.MULTILINE);
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc", Long.toString(pid), "fdinfo"))) {
            for (java.nio.file.Path fd : fds.toList()) {
                try {
                    Matcher m = progId.matcher(java.nio.file.Files.readString(fd));
                    while (m.find()) {
                        ids.add(Integer.parseInt(m.group(1)));
                    }
                } catch (IOException closed) {
                    // The descriptor was closed while we looked.
                }
            }
        }
        ids.retainAll(ids());
        return ids;
    }

    /** Waits until none of {@code ids} is loaded: the kernel frees programs shortly after their last link closes. */
    static Set<Integer> awaitGone(Set<Integer> ids) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<Integer> left;
        do {
            left = new HashSet<>(ids);
            left.retainAll(ids());
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return left;
    }

    private LoadedPrograms() {}
}
