package dev.mcpprobe.cli;

import dev.mcpprobe.decode.EventBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Names of traced processes from /proc, remembered so that processes that exited keep theirs. */
final class ProcessNames {
    private static final int MAX_WORDS = 3;
    private final Map<Integer, String> comms = new ConcurrentHashMap<>();
    private final Map<Integer, String> cmdlines = new ConcurrentHashMap<>();

    private int lastSeen;

    /**
     * Looks up processes the first time they appear, while they are still running: a short-lived
     * child is gone by the time a report is printed. Consumer thread only; one compare per record.
     */
    void see(EventBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            int tgid = batch.tgid(i);
            if (tgid != lastSeen) {
                lastSeen = tgid;
                if (!comms.containsKey(tgid)) {
                    name(tgid);
                }
            }
        }
    }

    /** The process's comm, or null when it exited before it was looked up. */
    String name(int tgid) {
        String known = comms.get(tgid);
        if (known != null || tgid <= 0) {
            return known;
        }
        try {
            String comm = Files.readString(Path.of("/proc", Integer.toString(tgid), "comm"), StandardCharsets.UTF_8).strip();
            comms.put(tgid, comm);
            cmdlines.put(tgid, cmdline(tgid));
            return comm;
        } catch (IOException gone) {
            return null;
        }
    }

    /** "PID 1234: java mcp-servers.jar thinking", for a per-process report's title. */
    String label(int tgid) {
        name(tgid);
        String cmd = cmdlines.getOrDefault(tgid, "");
        if (cmd.isEmpty()) {
            cmd = comms.getOrDefault(tgid, "exited");
        }
        return "PID " + tgid + ": " + cmd;
    }

    /** The command and its first words that are not options, paths shortened: "java mcp-servers.jar thinking". */
    private static String cmdline(int tgid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Integer.toString(tgid), "cmdline"));
            StringBuilder words = new StringBuilder();
            int kept = 0;
            for (String arg : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                if (arg.isEmpty() || (kept > 0 && arg.startsWith("-"))) {
                    continue;
                }
                String word = arg.substring(arg.lastIndexOf('/') + 1);
                words.append(kept++ == 0 ? "" : " ").append(word);
                if (kept == MAX_WORDS) {
                    break;
                }
            }
            return words.toString();
        } catch (IOException gone) {
            return "";
        }
    }
}
