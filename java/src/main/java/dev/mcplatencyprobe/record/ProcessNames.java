package dev.mcplatencyprobe.record;

import dev.mcplatencyprobe.decode.EventBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names of traced processes from /proc, remembered so that processes that exited keep theirs.
 *
 * <p>Bounded whatever the traced processes do: at most {@link #MAX_PROCESSES} names, least recently
 * used first out, keyed by (tgid, start time) so that a reused PID gets its own name. /proc is read
 * on a thread of its own: the consumer thread only hands over the tgids it sees (a bounded queue;
 * a tgid that does not fit is looked up when a report asks for it). Names are returned as the
 * process chose them: renderers escape them ({@link dev.mcplatencyprobe.report.SafeText}).
 */
public final class ProcessNames implements AutoCloseable {
    /** Names kept: each is two short strings. */
    public static final int MAX_PROCESSES = 4096;
    /** Tgids waiting for the lookup thread. */
    private static final int QUEUE = 1024;
    /** A name already known is checked against PID reuse at most this often. */
    private static final long RECHECK_NS = 1_000_000_000L;
    private static final int MAX_WORDS = 3;
    private static final int MAX_CMDLINE_BYTES = 4096;
    private static final int NO_TGID = 0;

    private record Key(int tgid, long startTicks) {}

    private record Entry(String comm, String cmdline, long checkedNs) {}

    /** Access-ordered: the least recently used name goes first. Guarded by {@code this}. */
    private final LinkedHashMap<Key, Entry> byKey = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            if (size() <= maxProcesses) {
                return false;
            }
            latest.remove(eldest.getKey().tgid(), eldest.getKey());
            return true;
        }
    };
    /** The newest process seen with each tgid. Guarded by {@code this}; never larger than {@link #byKey}. */
    private final Map<Integer, Key> latest = new HashMap<>();
    private final BlockingQueue<Integer> pending = new ArrayBlockingQueue<>(QUEUE);
    /** Tgids queued and not yet looked up: the consumer queues each at most once at a time. */
    private final Set<Integer> queued = ConcurrentHashMap.newKeySet();
    private final Thread lookup;
    private final int maxProcesses;
    private int lastSeen = NO_TGID;

    public ProcessNames() {
        this(MAX_PROCESSES);
    }

    /** With room for {@code maxProcesses} names (tests use a few). */
    ProcessNames(int maxProcesses) {
        this.maxProcesses = maxProcesses;
        lookup = new Thread(this::lookUpQueued, "process-names");
        lookup.setDaemon(true);
        lookup.start();
    }

    /**
     * Hands over the processes of the batch for a look-up while they still run (a short-lived child
     * is gone by the time a report is printed). Consumer thread: no /proc access, no blocking.
     */
    public void see(EventBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            int tgid = batch.tgid(i);
            if (tgid != lastSeen) {
                lastSeen = tgid;
                if (tgid > 0 && queued.add(tgid) && !pending.offer(tgid)) {
                    queued.remove(tgid); // full: looked up when a report needs it
                }
            }
        }
    }

    private void lookUpQueued() {
        try {
            while (true) {
                int tgid = pending.take();
                queued.remove(tgid);
                refresh(tgid, System.nanoTime());
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the process's name unless the one known for it was checked within {@link #RECHECK_NS}. */
    private void refresh(int tgid, long nowNs) {
        synchronized (this) {
            Key known = latest.get(tgid);
            if (known != null && nowNs - byKey.get(known).checkedNs() < RECHECK_NS) {
                return;
            }
        }
        long start = startTicks(tgid);
        if (start < 0) {
            return; // gone: keeps the name it had, if any
        }
        Key key = new Key(tgid, start);
        synchronized (this) {
            Entry entry = byKey.get(key);
            if (entry != null) {
                byKey.put(key, new Entry(entry.comm(), entry.cmdline(), nowNs));
                return;
            }
        }
        String comm = readComm(tgid);
        if (comm == null) {
            return;
        }
        String cmdline = cmdline(tgid);
        synchronized (this) {
            byKey.put(key, new Entry(comm, cmdline, nowNs));
            latest.put(tgid, key);
        }
    }

    private synchronized Entry entryOf(int tgid) {
        Key key = latest.get(tgid);
        return key == null ? null : byKey.get(key);
    }

    /** The process's comm, or null when it exited before it was looked up. Not for the consumer thread. */
    public String name(int tgid) {
        if (tgid <= 0) {
            return null;
        }
        Entry entry = entryOf(tgid);
        if (entry == null) {
            refresh(tgid, System.nanoTime());
            entry = entryOf(tgid);
        }
        return entry == null ? null : entry.comm();
    }

    /** "PID 1234: java mcp-servers.jar thinking", for a per-process report's title. */
    public String label(int tgid) {
        name(tgid);
        Entry entry = entryOf(tgid);
        String cmd = entry == null ? "exited" : entry.cmdline().isEmpty() ? entry.comm() : entry.cmdline();
        return "PID " + tgid + ": " + cmd;
    }

    /** How many names are kept (for tests). */
    synchronized int size() {
        return byKey.size();
    }

    @Override
    public void close() {
        lookup.interrupt();
    }

    /** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or -1 if gone. */
    static long startTicks(int tgid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(tgid), "stat"), StandardCharsets.UTF_8);
            // "pid (comm) S ppid ...": the comm may hold spaces and ')', so count from the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[19]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    private static String readComm(int tgid) {
        try {
            String comm = Files.readString(Path.of("/proc", Integer.toString(tgid), "comm"), StandardCharsets.UTF_8);
            return comm.endsWith("\n") ? comm.substring(0, comm.length() - 1) : comm;
        } catch (IOException gone) {
            return null;
        }
    }

    /** The command and its first words that are not options, paths shortened: "java mcp-servers.jar thinking". */
    private static String cmdline(int tgid) {
        try {
            byte[] raw;
            try (var in = Files.newInputStream(Path.of("/proc", Integer.toString(tgid), "cmdline"))) {
                raw = in.readNBytes(MAX_CMDLINE_BYTES); // a process may make its command line megabytes long
            }
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
