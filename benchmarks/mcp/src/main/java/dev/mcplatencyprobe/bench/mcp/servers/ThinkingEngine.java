package dev.mcplatencyprobe.bench.mcp.servers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state and work behind the {@code think} tool: one step of a sequential-thinking chain.
 *
 * <p>Each thought is recorded in a bounded, server-wide history (branches by id), and "deliberated"
 * over: its words are counted and a SHA-256 chain of {@code rounds} iterations is computed over it.
 * That chain is the tool's fixed, CPU-bound cost, so the server's syscall profile is that of a
 * computing server, not of an idle one. Thread-safe.
 */
public final class ThinkingEngine {
    /** Bounds the history so a long benchmark does not turn into a memory test. */
    static final int HISTORY_LIMIT = 1_000;
    static final int BRANCH_LIMIT = 64;

    private final int rounds;
    private final ArrayDeque<Integer> history = new ArrayDeque<>();
    private final Set<String> branches = new TreeSet<>();
    private long thoughtsSeen;

    public ThinkingEngine(int rounds) {
        if (rounds < 0) {
            throw new IllegalArgumentException("rounds must be >= 0: " + rounds);
        }
        this.rounds = rounds;
    }

    /** The thought as the tool received it (already checked against the input schema). */
    public record Thought(String text, int thoughtNumber, int totalThoughts, boolean nextThoughtNeeded,
                          boolean isRevision, Integer revisesThought, Integer branchFromThought, String branchId) {
    }

    /** Deliberates over one thought and returns the tool's answer as an ordered map (rendered as JSON). */
    public Map<String, Object> think(Thought t) {
        String digest = deliberate(t.text(), t.thoughtNumber());
        int words = 0;
        Set<String> distinct = new HashSet<>();
        for (String w : t.text().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                words++;
                distinct.add(w);
            }
        }
        // Like the reference server: a chain that runs past its estimate grows the estimate.
        int total = Math.max(t.totalThoughts(), t.thoughtNumber());
        int historyLength;
        String[] branchIds;
        synchronized (this) {
            thoughtsSeen++;
            history.addLast(t.thoughtNumber());
            if (history.size() > HISTORY_LIMIT) {
                history.removeFirst();
            }
            if (t.branchFromThought() != null && t.branchId() != null && !t.branchId().isBlank()
                    && (branches.contains(t.branchId()) || branches.size() < BRANCH_LIMIT)) {
                branches.add(t.branchId());
            }
            historyLength = history.size();
            branchIds = branches.toArray(String[]::new);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("thoughtNumber", t.thoughtNumber());
        out.put("totalThoughts", total);
        out.put("nextThoughtNeeded", t.nextThoughtNeeded());
        out.put("isRevision", t.isRevision());
        if (t.revisesThought() != null) {
            out.put("revisesThought", t.revisesThought());
        }
        out.put("branches", branchIds);
        out.put("thoughtHistoryLength", historyLength);
        out.put("words", words);
        out.put("distinctWords", distinct.size());
        out.put("rounds", rounds);
        out.put("digest", digest);
        return out;
    }

    public synchronized long thoughtsSeen() {
        return thoughtsSeen;
    }

    /** SHA-256 applied {@code rounds} times, starting from the thought and its number; 16 hex digits. */
    String deliberate(String text, int thoughtNumber) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        byte[] state = (thoughtNumber + ":" + text).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < rounds; i++) {
            state = sha.digest(state);
        }
        return HexFormat.of().formatHex(state, 0, Math.min(8, state.length));
    }
}
