package dev.mcplatencyprobe.report;

import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The run's interval windows as HdrHistograms per tag, for the whole-run .hlog and the HTML
 * report's plots over time. Tags: {@link #ALL} (every call), {@link #WITHOUT_WAITS} (the calls the
 * verdict is taken from) and {@code syscall:NAME} for the first {@link #MAX_SYSCALL_TAGS} syscalls
 * seen (the others are in the first two only).
 *
 * <p>Bounded whatever the run's length: histograms are kept in HdrHistogram's compressed encoding,
 * and when more than {@link #MAX_WINDOWS} windows are held, neighbours merge pairwise (older windows
 * get longer; counts and percentiles stay exact per merged window). {@link #finish} adds the part of
 * the run no interval report covered (the whole run minus every interval), so the windows' counts
 * add up to the final report's. Not thread-safe: one thread adds, then renders.
 */
public final class IntervalHistograms {
    public static final String ALL = "all";
    public static final String WITHOUT_WAITS = "without_waits";
    public static final String SYSCALL_TAG_PREFIX = "syscall:";
    /** Windows held before neighbours merge: 240 plot points are plenty for a plot over time. */
    public static final int MAX_WINDOWS = 240;
    /**
     * Syscalls with a tag of their own: a run touches 20-60. With {@link #MAX_WINDOWS}, at most
     * 240 x 66 compressed histograms (a few hundred bytes each for syscall latencies) are held.
     */
    public static final int MAX_SYSCALL_TAGS = 64;

    /** One window: its span on the recorder's clock and the compressed histogram of each tag with calls. */
    public record Window(long startNs, long endNs, Map<String, byte[]> compressed) {
        /** The histogram of {@code tag} (ns), empty if the window has none. */
        public Histogram histogram(String tag) {
            byte[] bytes = compressed.get(tag);
            return bytes == null ? emptyHistogram() : decode(bytes);
        }
    }

    private final long startNs;
    private final long startEpochMs;
    private final List<Window> windows = new ArrayList<>();
    private final Set<String> syscallTags = new LinkedHashSet<>();
    /** Every interval added so far, per tag, uncompressed: the whole run minus these is the unreported tail. */
    private final Map<String, Histogram> sums = new HashMap<>();
    private boolean finished;
    private boolean tailMismatch;

    /**
     * @param startNs      the recorder's start ({@code CLOCK_MONOTONIC} ns)
     * @param startEpochMs the wall clock at that moment (ms since the epoch), for the .hlog's timestamps
     */
    public IntervalHistograms(long startNs, long startEpochMs) {
        this.startNs = startNs;
        this.startEpochMs = startEpochMs;
    }

    public long startNs() { return startNs; }
    public long startEpochMs() { return startEpochMs; }
    public List<Window> windows() { return Collections.unmodifiableList(windows); }
    public boolean isFinished() { return finished; }

    /** Adds an interval report's windows (call in the order the recorder hands them out). */
    public void add(LatencySnapshot interval) {
        if (finished) {
            throw new IllegalStateException("finished");
        }
        Map<String, Histogram> byTag = new TreeMap<>();
        byTag.put(ALL, histogramOf(interval.total()));
        byTag.put(WITHOUT_WAITS, histogramOf(interval.withoutWaits()));
        for (SyscallLatency s : interval.syscalls()) {
            if (s.latency().count() > 0 && tagFor(s.name()) != null) {
                byTag.put(tagFor(s.name()), histogramOf(s.latency()));
            }
        }
        append(interval.windowStartNs(), interval.windowEndNs(), byTag);
    }

    /**
     * Adds the tail of the run that no interval report covered: the whole run's histograms minus
     * the intervals'. Afterwards the windows hold every call of {@code whole}.
     */
    public void finish(LatencySnapshot whole) {
        if (finished) {
            return;
        }
        long tailStart = windows.isEmpty() ? whole.windowStartNs() : windows.get(windows.size() - 1).endNs();
        Map<String, Histogram> tail = new TreeMap<>();
        tail.put(ALL, minusSum(ALL, whole.total()));
        tail.put(WITHOUT_WAITS, minusSum(WITHOUT_WAITS, whole.withoutWaits()));
        for (SyscallLatency s : whole.syscalls()) {
            String tag = tagFor(s.name());
            if (tag != null) {
                Histogram rest = minusSum(tag, s.latency());
                if (rest.getTotalCount() > 0) {
                    tail.put(tag, rest);
                }
            }
        }
        if (tail.get(ALL).getTotalCount() > 0 || whole.windowEndNs() > tailStart) {
            append(tailStart, Math.max(tailStart, whole.windowEndNs()), tail);
        }
        finished = true;
    }

    /** True if the whole run held fewer calls than the intervals for some tag, so the tail was left out there. */
    public boolean tailMismatch() { return tailMismatch; }

    /** The syscall tags in the order first seen. */
    public Set<String> syscallTags() { return Collections.unmodifiableSet(syscallTags); }

    private String tagFor(String syscall) {
        String tag = SYSCALL_TAG_PREFIX + syscall;
        if (syscallTags.contains(tag)) {
            return tag;
        }
        if (syscallTags.size() >= MAX_SYSCALL_TAGS) {
            return null;
        }
        syscallTags.add(tag);
        return tag;
    }

    private Histogram minusSum(String tag, LatencyDistribution whole) {
        Histogram rest = histogramOf(whole);
        Histogram sum = sums.get(tag);
        if (sum != null) {
            try {
                rest.subtract(sum); // exact: the same buckets, and the whole run holds every interval's calls
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                // Cannot happen with the recorder's snapshots; if it did, the files must still be written.
                tailMismatch = true;
                return emptyHistogram();
            }
        }
        return rest;
    }

    private void append(long fromNs, long toNs, Map<String, Histogram> byTag) {
        Map<String, byte[]> compressed = new TreeMap<>();
        byTag.forEach((tag, h) -> {
            compressed.put(tag, encode(h));
            sums.computeIfAbsent(tag, t -> emptyHistogram()).add(h);
        });
        windows.add(new Window(fromNs, toNs, compressed));
        if (windows.size() > MAX_WINDOWS) {
            mergeNeighbours();
        }
    }

    private void mergeNeighbours() {
        List<Window> merged = new ArrayList<>(windows.size() / 2 + 1);
        for (int i = 0; i < windows.size(); i += 2) {
            if (i + 1 == windows.size()) {
                merged.add(windows.get(i));
                break;
            }
            Window a = windows.get(i);
            Window b = windows.get(i + 1);
            Map<String, byte[]> both = new TreeMap<>(a.compressed());
            b.compressed().forEach((tag, bytes) -> both.merge(tag, bytes, (x, y) -> {
                Histogram h = decode(x);
                h.add(decode(y));
                return encode(h);
            }));
            merged.add(new Window(a.startNs(), b.endNs(), both));
        }
        windows.clear();
        windows.addAll(merged);
    }

    static Histogram histogramOf(LatencyDistribution calls) {
        return calls.count() == 0 ? emptyHistogram() : calls.histogramCopy();
    }

    static Histogram emptyHistogram() {
        Histogram h = new Histogram(2);
        h.setAutoResize(true);
        return h;
    }

    private static byte[] encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return bytes;
    }

    private static Histogram decode(byte[] bytes) {
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            h.setAutoResize(true);
            return h;
        } catch (DataFormatException e) {
            throw new IllegalStateException("a histogram encoded here did not decode", e);
        }
    }
}
