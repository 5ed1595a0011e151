package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The histogram rows of the text report against what bpftrace 0.17's hist() printed for the same
 * values (resources bpftrace-hist/, see the README there), byte for byte.
 */
class BpftraceHistogramGoldenTest {
    private static final String ROWS_START = "Syscall Latency Distribution (microseconds):\n";
    private static final String ROWS_END = "Total calls: ";

    @TestFactory
    Stream<DynamicTest> reportRowsEqualBpftraceOutput() throws IOException, URISyntaxException {
        return specs().map(spec -> DynamicTest.dynamicTest(spec.getFileName().toString(), () -> {
            String expected = bpftraceRows(outputOf(spec));
            assertEquals(expected, reportRows(spec), "rows for " + spec.getFileName());
        }));
    }

    @Test
    void everyGoldenHasItsScriptAndOutput() throws IOException, URISyntaxException {
        List<Path> all = specs().toList();
        assertTrue(all.size() >= 10, "goldens found: " + all);
        for (Path spec : all) {
            assertTrue(Files.exists(outputOf(spec)), "missing output of " + spec);
            assertTrue(Files.exists(Path.of(spec.toString().replace(".spec", ".bt"))), "missing script of " + spec);
        }
    }

    /** Records the spec's values (in µs) as latencies in ns, with sub-microsecond parts that the bucket must ignore. */
    private static String reportRows(Path spec) throws IOException {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        long endNs = 1;
        for (String line : Files.readAllLines(spec)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            long us = Long.parseLong(fields[0]);
            long count = Long.parseLong(fields[1]);
            for (long i = 0; i < count; i++) {
                long subMicros = (i * 397) % 1000;
                long latencyNs = us >= 0 ? us * 1000 + subMicros : us * 1000 - subMicros;
                recorder.record(endNs++, latencyNs, 0, 1, 0);
            }
        }
        String report = TextReport.render(recorder.finish(endNs, LossCounters.ZERO));
        int start = report.indexOf(ROWS_START) + ROWS_START.length();
        return report.substring(start, report.indexOf(ROWS_END, start));
    }

    /** The rows of @h, after checking the frame bpftrace prints around them. */
    private static String bpftraceRows(Path output) throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8);
        int header = text.indexOf("\n@h: \n");
        assertTrue(header >= 0, output + " has no '@h: ' line");
        int start = header + "\n@h: \n".length();
        int end = text.indexOf("\n\n", start);
        assertTrue(end > start, output + ": rows are not followed by a blank line");
        String rows = text.substring(start, end + 1);
        assertFalse(rows.isEmpty());
        for (String row : rows.split("\n")) {
            assertTrue(row.matches(".{16}[ 0-9]{7}[0-9] \\|[@ ]{52}\\|"), "not a hist row: '" + row + "'");
        }
        return rows;
    }

    private static Path outputOf(Path spec) {
        return Path.of(spec.toString().replace(".spec", ".out"));
    }

    private static Stream<Path> specs() throws IOException, URISyntaxException {
        Path dir = Path.of(BpftraceHistogramGoldenTest.class.getResource("bpftrace-hist").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".spec")).sorted().toList().stream();
        }
    }
}
