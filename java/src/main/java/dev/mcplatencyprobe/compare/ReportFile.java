package dev.mcplatencyprobe.compare;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * A report read back for {@code compare}: a JSON report written by {@code --out} (also the last
 * report of {@code --format json} output, or a benchmark report holding one under {@code "probe"}),
 * or an .hlog. Its rows are the distributions it holds, in report order.
 */
public final class ReportFile {
    public enum Kind { JSON, HLOG }

    /** Reports are a few MB at most; a larger file is not one of ours. */
    static final long MAX_BYTES = 256L << 20;
    static final String ALL_CALLS = "all calls";
    static final String WITHOUT_WAITS = "without blocking waits";
    private static final String HLOG_SYSCALL_PREFIX = "syscall:";

    private final Path path;
    private final Kind kind;
    private final String subject;
    private final Map<String, Row> rows;

    private ReportFile(Path path, Kind kind, String subject, Map<String, Row> rows) {
        this.path = path;
        this.kind = kind;
        this.subject = subject;
        this.rows = rows;
    }

    public Path path() { return path; }
    public Kind kind() { return kind; }
    /** What a narrowed report is about (e.g. one server), or null. */
    public String subject() { return subject; }
    public Map<String, Row> rows() { return rows; }

    public static ReportFile read(Path path) throws BadInputException {
        String text = readText(path);
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("{")) {
            return fromJson(path, text);
        }
        if (trimmed.startsWith("#") || trimmed.startsWith("Tag=") || trimmed.startsWith("\"StartTimestamp\"")) {
            return fromHlog(path, text);
        }
        throw new BadInputException(path + " is neither a JSON report nor an .hlog");
    }

    private static String readText(Path path) throws BadInputException {
        try {
            if (!Files.isRegularFile(path)) {
                throw new BadInputException(Files.exists(path) ? path + " is not a regular file" : path + " does not exist");
            }
            if (Files.size(path) > MAX_BYTES) {
                throw new BadInputException(path + " is larger than " + (MAX_BYTES >> 20) + " MB: not a report");
            }
            byte[] bytes = Files.readAllBytes(path);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new BadInputException(path + " does not exist");
        } catch (CharacterCodingException e) {
            throw new BadInputException(path + " is not UTF-8 text: not a report");
        } catch (IOException e) {
            throw new BadInputException("cannot read " + path + ": " + e.getMessage());
        }
    }

    // ---- JSON ----

    private static ReportFile fromJson(Path path, String text) throws BadInputException {
        Map<String, Object> report = null;
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        if (lines.size() > 1 && lines.stream().allMatch(l -> l.stripLeading().startsWith("{"))) {
            // --format json output: one report per line, the final one last.
            report = findReport(Json.parse(lines.get(lines.size() - 1)));
        } else {
            report = findReport(Json.parse(text));
        }
        if (report == null) {
            throw new BadInputException(path + " is JSON but not an mcp_latency report (no \"report\":\"mcp_latency\")");
        }
        try {
            return new ReportFile(path, Kind.JSON, report.get("subject") instanceof String s ? s : null, jsonRows(report));
        } catch (BadInputException e) {
            throw new BadInputException(path + ": " + e.getMessage());
        } catch (ClassCastException | ArithmeticException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new BadInputException(path + ": malformed report (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The report object: the value itself, or (a benchmark's report) one of its fields. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> findReport(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        if ("mcp_latency".equals(map.get("report"))) {
            return (Map<String, Object>) map;
        }
        for (Object field : map.values()) {
            if (field instanceof Map<?, ?> inner && "mcp_latency".equals(inner.get("report"))) {
                return (Map<String, Object>) inner;
            }
        }
        return null;
    }

    private static Map<String, Row> jsonRows(Map<String, Object> report) throws BadInputException {
        Map<String, Row> rows = new LinkedHashMap<>();
        if (!report.containsKey("fine_histogram_ns")) {
            throw new BadInputException("no fine_histogram_ns: the report was written by an older probe-demo,"
                    + " compare needs reports written by this version");
        }
        Map<String, Object> percentiles = object(report, "percentiles_ns");
        add(rows, new Row(Row.Group.OVERALL, ALL_CALLS, count(report, "total_calls"),
                fine(report, count(report, "total_calls")), optionalLong(percentiles.get("max"))));
        Map<String, Object> basis = object(report, "without_blocking_waits");
        add(rows, new Row(Row.Group.OVERALL, WITHOUT_WAITS, count(basis, "count"), fine(basis, count(basis, "count")),
                optionalLong(object(basis, "percentiles_ns").get("max"))));
        for (Object o : list(report, "syscalls")) {
            Map<String, Object> s = asObject(o, "syscalls[]");
            long count = count(s, "count");
            add(rows, new Row(Row.Group.SYSCALL, string(s, "name"), count, fine(s, count), optionalLong(s.get("max_ns"))));
        }
        if (report.get("mcp") instanceof Map<?, ?> mcp && mcp.get("methods") instanceof List<?> methods) {
            for (Object o : methods) {
                Map<String, Object> m = asObject(o, "mcp.methods[]");
                String tool = m.get("tool") instanceof String t && !t.isEmpty() ? t : null;
                String name = string(m, "method") + (tool == null ? "" : " " + tool);
                long count = count(m, "count");
                Histogram h = m.containsKey("fine_histogram_ns") ? fine(m, count) : null;
                add(rows, new Row(Row.Group.MCP, name, count, h, optionalLong(m.get("max_ns"))));
            }
        }
        return rows;
    }

    private static void add(Map<String, Row> rows, Row row) throws BadInputException {
        if (rows.putIfAbsent(row.key(), row) != null) {
            throw new BadInputException("two rows for " + row.group().label() + " '" + row.name() + "'");
        }
    }

    /** The fine histogram of an object, checked against its count. */
    private static Histogram fine(Map<String, Object> o, long expectedCount) throws BadInputException {
        Histogram h = new Histogram(2);
        h.setAutoResize(true);
        long total = 0;
        for (Object pair : list(o, "fine_histogram_ns")) {
            if (!(pair instanceof List<?> p) || p.size() != 2) {
                throw new BadInputException("fine_histogram_ns holds something other than [value, count] pairs");
            }
            long value = asLong(p.get(0), "a fine_histogram_ns value");
            long count = asLong(p.get(1), "a fine_histogram_ns count");
            if (value < 0 || count <= 0 || value > Long.MAX_VALUE / 4) {
                throw new BadInputException("fine_histogram_ns has a negative value or a count below 1");
            }
            h.recordValueWithCount(value, count);
            total = Math.addExact(total, count);
        }
        if (total != expectedCount) {
            throw new BadInputException("fine_histogram_ns holds " + total + " calls where the count says " + expectedCount);
        }
        return h;
    }

    private static Map<String, Object> object(Map<String, Object> o, String field) throws BadInputException {
        return asObject(o.get(field), field);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String what) throws BadInputException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new BadInputException(what + " is missing or not an object");
        }
        return (Map<String, Object>) map;
    }

    private static List<?> list(Map<String, Object> o, String field) throws BadInputException {
        if (!(o.get(field) instanceof List<?> list)) {
            throw new BadInputException(field + " is missing or not an array");
        }
        return list;
    }

    private static String string(Map<String, Object> o, String field) throws BadInputException {
        if (!(o.get(field) instanceof String s) || s.isEmpty()) {
            throw new BadInputException(field + " is missing or not a string");
        }
        return s;
    }

    private static long count(Map<String, Object> o, String field) throws BadInputException {
        long value = asLong(o.get(field), field);
        if (value < 0) {
            throw new BadInputException(field + " is negative");
        }
        return value;
    }

    private static long asLong(Object value, String what) throws BadInputException {
        if (!(value instanceof BigDecimal d)) {
            throw new BadInputException(what + " is missing or not a number");
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new BadInputException(what + " is not a whole number in range");
        }
    }

    private static long optionalLong(Object value) {
        return value instanceof BigDecimal d && d.signum() >= 0 && d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0 ? d.longValue() : -1;
    }

    // ---- .hlog ----

    private static ReportFile fromHlog(Path path, String text) throws BadInputException {
        Map<String, Histogram> byTag = new TreeMap<>();
        int histograms = 0;
        try (HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null) {
                if (!(next instanceof Histogram h)) {
                    throw new BadInputException(path + ": holds a histogram of doubles, not latencies in ns");
                }
                String tag = h.getTag() == null ? "all" : h.getTag();
                Histogram sum = byTag.computeIfAbsent(tag, t -> {
                    Histogram empty = new Histogram(2);
                    empty.setAutoResize(true);
                    return empty;
                });
                sum.add(h);
                histograms++;
            }
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadInputException(path + ": not a readable .hlog (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")) + ")");
        }
        if (histograms == 0) {
            throw new BadInputException(path + " holds no histograms: not an .hlog of a run");
        }
        if (!byTag.containsKey("all")) {
            throw new BadInputException(path + " has no histograms tagged 'all': not an .hlog written by probe-demo");
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        rows.put("OVERALL:" + ALL_CALLS, hlogRow(Row.Group.OVERALL, ALL_CALLS, byTag.get("all")));
        if (byTag.containsKey("without_waits")) {
            rows.put("OVERALL:" + WITHOUT_WAITS, hlogRow(Row.Group.OVERALL, WITHOUT_WAITS, byTag.get("without_waits")));
        }
        List<String> tags = new ArrayList<>(byTag.keySet());
        for (String tag : tags) {
            if (tag.startsWith(HLOG_SYSCALL_PREFIX) && tag.length() > HLOG_SYSCALL_PREFIX.length()) {
                Row row = hlogRow(Row.Group.SYSCALL, tag.substring(HLOG_SYSCALL_PREFIX.length()), byTag.get(tag));
                rows.put(row.key(), row);
            }
        }
        return new ReportFile(path, Kind.HLOG, null, rows);
    }

    private static Row hlogRow(Row.Group group, String name, Histogram h) {
        return new Row(group, name, h.getTotalCount(), h, h.getTotalCount() == 0 ? -1 : h.getMaxValue());
    }
}
