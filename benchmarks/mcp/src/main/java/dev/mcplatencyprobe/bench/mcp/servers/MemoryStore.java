package dev.mcplatencyprobe.bench.mcp.servers;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The memory server's store: one JSON object per line in {@code memories.jsonl}.
 *
 * <p>{@link #remember} appends a line and fsyncs the file before it returns, so an entry the tool
 * acknowledged survives a crash; appends are serialized. {@link #recall} reads the newest entries
 * back from the file's tail (at most {@link #RECALL_WINDOW_BYTES}), so its cost stays flat however
 * long a benchmark has been appending. Thread-safe.
 */
public final class MemoryStore implements AutoCloseable {
    public static final String FILE_NAME = "memories.jsonl";
    /** How much of the file's end recall reads: bounded so a long run does not slow recall down. */
    static final int RECALL_WINDOW_BYTES = 256 * 1024;

    private static final TypeRef<Map<String, Object>> ENTRY = new TypeRef<>() {
    };

    private final Path file;
    private final FileChannel appender;
    private final FileChannel reader;
    private final McpJsonMapper json;
    private final Clock clock;
    private long lastSeq;

    public MemoryStore(Path stateDir, McpJsonMapper json, Clock clock) throws IOException {
        Files.createDirectories(stateDir);
        this.file = stateDir.resolve(FILE_NAME);
        this.json = json;
        this.clock = clock;
        // O_APPEND for writing, a separate descriptor for positional reads (the JDK refuses READ + APPEND).
        this.appender = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.reader = FileChannel.open(file, StandardOpenOption.READ);
        this.lastSeq = newestSeq();
    }

    public Path file() {
        return file;
    }

    /** A stored entry, as recall returns it. */
    public record Entry(long seq, String time, String text, List<String> tags) {
    }

    /** Appends one entry and fsyncs; returns it with its sequence number. */
    public Entry remember(String text, List<String> tags) {
        synchronized (this) {
            Entry e = new Entry(lastSeq + 1, clock.instant().toString(), text, List.copyOf(tags));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("seq", e.seq());
            line.put("time", e.time());
            line.put("text", e.text());
            line.put("tags", e.tags());
            try {
                ByteBuffer bytes = ByteBuffer.wrap((json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    appender.write(bytes);
                }
                appender.force(true);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot append to " + file + ": " + ex.getMessage(), ex);
            }
            lastSeq = e.seq();
            return e;
        }
    }

    /**
     * The newest entries first, at most {@code limit}, whose text or tags contain {@code query}
     * (case-insensitive; null or blank matches all), searched within the file's last
     * {@link #RECALL_WINDOW_BYTES}.
     */
    public List<Entry> recall(String query, int limit) {
        String needle = query == null || query.isBlank() ? null : query.toLowerCase(Locale.ROOT);
        List<Entry> found = new ArrayList<>();
        List<String> lines = tailLines();
        for (int i = lines.size() - 1; i >= 0 && found.size() < limit; i--) {
            Entry e = parse(lines.get(i));
            if (e != null && (needle == null || matches(e, needle))) {
                found.add(e);
            }
        }
        return found;
    }

    private static boolean matches(Entry e, String needle) {
        if (e.text().toLowerCase(Locale.ROOT).contains(needle)) {
            return true;
        }
        for (String tag : e.tags()) {
            if (tag.toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** Complete lines from the file's tail; a line still being appended (no newline yet) is left out. */
    private List<String> tailLines() {
        try {
            long size = reader.size();
            long start = Math.max(0, size - RECALL_WINDOW_BYTES);
            ByteBuffer buf = ByteBuffer.allocate((int) (size - start));
            long pos = start;
            while (buf.hasRemaining()) {
                int n = reader.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            int from = 0;
            if (start > 0) {
                from = text.indexOf('\n') + 1; // the window began inside a line
            }
            int to = text.lastIndexOf('\n');
            if (to < from) {
                return List.of();
            }
            List<String> lines = new ArrayList<>();
            for (String line : text.substring(from, to).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
    }

    private Entry parse(String line) {
        try {
            Map<String, Object> m = json.readValue(line, ENTRY);
            Object seq = m.get("seq");
            Object text = m.get("text");
            if (!(seq instanceof Number) || !(text instanceof String)) {
                return null;
            }
            List<String> tags = new ArrayList<>();
            if (m.get("tags") instanceof List<?> l) {
                for (Object o : l) {
                    tags.add(String.valueOf(o));
                }
            }
            return new Entry(((Number) seq).longValue(), String.valueOf(m.get("time")), (String) text, tags);
        } catch (IOException | RuntimeException ex) {
            return null; // a damaged line is skipped, not fatal: the file is the user's
        }
    }

    private long newestSeq() {
        List<Entry> newest = recall(null, 1);
        return newest.isEmpty() ? 0 : newest.get(0).seq();
    }

    @Override
    public void close() throws IOException {
        try (reader) {
            appender.close();
        }
    }
}
