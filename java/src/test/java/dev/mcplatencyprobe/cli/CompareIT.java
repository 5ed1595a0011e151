package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcplatencyprobe.probe.RequiresBpf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} on the reports of real probe runs, through the jar. The sleeping workload runs
 * at real-time priority (chrt -f): on a shared machine, wake-up delays of an ordinary process under
 * load move its sleeps' P50 by milliseconds from one run to the next, which compare rightly calls
 * a change; at real-time priority what is left is the sleeps' own latency.
 */
@RequiresBpf
class CompareIT {
    @TempDir
    static Path dir;
    static Path[] base;
    static Path[] same;
    static Path[] slower;

    /** The .json and the .hlog of a probe run of 200 sleeps of {@code seconds}. */
    static Path[] sleeps(String name, String seconds) throws Exception {
        Path out = dir.resolve(name);
        ProbeDemoIT.Run run = ProbeDemoIT.probeDemo("--syscalls", "clock_nanosleep", "--out", out.toString(), "--",
                "chrt", "-f", "10", "python3", "-c", "import time\nfor _ in range(200): time.sleep(" + seconds + ")");
        assertEquals(0, run.status(), run.err());
        Path json = null;
        Path hlog = null;
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                if (f.toString().endsWith(".json")) json = f;
                if (f.toString().endsWith(".hlog")) hlog = f;
            }
        }
        return new Path[] {json, hlog};
    }

    @BeforeAll
    static void runs() throws Exception {
        base = sleeps("base", "0.005");
        same = sleeps("same", "0.005");
        slower = sleeps("slower", "0.006");
    }

    static JsonNode compareJson(int expectedStatus, Path a, Path b) throws Exception {
        ProbeDemoIT.Run run = ProbeDemoIT.probeDemo("compare", a.toString(), b.toString(), "--format", "json");
        assertEquals(expectedStatus, run.status(), run.out() + run.err());
        return new ObjectMapper().readTree(run.out());
    }

    static JsonNode percentile(JsonNode comparison, String row, String percentile) {
        for (JsonNode r : comparison.get("rows")) {
            if (r.get("name").asText().equals(row)) {
                for (JsonNode p : r.get("percentiles")) {
                    if (p.get("percentile").asText().equals(percentile)) {
                        return p;
                    }
                }
            }
        }
        throw new AssertionError("no row " + row + " " + percentile + " in " + comparison);
    }

    static String decision(JsonNode comparison, String row, String percentile) {
        for (JsonNode r : comparison.get("rows")) {
            if (r.get("name").asText().equals(row)) {
                if (percentile == null) {
                    return r.get("decision").asText();
                }
                for (JsonNode p : r.get("percentiles")) {
                    if (p.get("percentile").asText().equals(percentile)) {
                        return p.get("decision").asText();
                    }
                }
            }
        }
        throw new AssertionError("no row " + row + " " + percentile + " in " + comparison);
    }

    @Test
    void sleepsFrom5msTo6msAreARegressionAtP50InBothFormats() throws Exception {
        for (int format = 0; format < 2; format++) {
            JsonNode c = compareJson(1, base[format], slower[format]);
            assertEquals("regression", decision(c, "all calls", null), c.toString());
            assertEquals("regression", decision(c, "all calls", "p50"), c.toString());
            // P99 of 200 calls is the third slowest call: a few late wake-ups in BASE (a loaded machine)
            // can put it above NEW's, so from real runs only P90's direction is certain (CompareTest
            // decides P99 on generated sleeps).
            assertTrue(percentile(c, "all calls", "p90").get("diff_ns").asLong() > 0, c.toString());
            assertEquals("regression", decision(c, "clock_nanosleep", "p50"), c.toString());
            assertEquals("regression", c.get("result").asText());
        }
        ProbeDemoIT.Run text = ProbeDemoIT.probeDemo("compare", base[0].toString(), slower[0].toString());
        assertEquals(1, text.status());
        assertTrue(text.out().contains("Result: REGRESSION"), text.out());
        System.out.println("compare of two real runs, 200 x 5 ms and 200 x 6 ms sleeps:\n" + text.out());
    }

    @Test
    void twoRunsOfTheSameWorkloadAreNoSignificantChange() throws Exception {
        JsonNode c = compareJson(0, base[0], same[0]);
        assertEquals("no significant change", decision(c, "all calls", null), c.toString());
        ProbeDemoIT.Run text = ProbeDemoIT.probeDemo("compare", base[0].toString(), same[0].toString());
        System.out.println("compare of two real runs of 200 x 5 ms sleeps:\n" + text.out());
    }

    @Test
    void aFileComparedWithItselfIsNoChange() throws Exception {
        for (Path p : base) {
            JsonNode c = compareJson(0, p, p);
            assertEquals("no significant change", decision(c, "all calls", null));
            for (JsonNode row : c.get("rows")) {
                for (JsonNode pct : row.get("percentiles")) {
                    assertTrue(pct.get("diff_ns").isNull() || pct.get("diff_ns").asLong() == 0, pct.toString());
                }
            }
        }
    }

    @Test
    void badAndMismatchedInputsAreOneLineAndStatusTwo() throws Exception {
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"report\":\"mcp_latency\",");
        String[][] cases = {
                {base[0].toString(), base[1].toString()},                 // a JSON report and an .hlog
                {base[0].toString(), garbage.toString()},                 // truncated JSON
                {base[0].toString(), dir.resolve("missing.json").toString()},
                {base[0].toString()},                                     // one file
                {base[0].toString(), same[0].toString(), "--tolerance", "p42=3%"},
                {base[0].toString(), same[0].toString(), "--format", "xml"},
                {base[0].toString(), same[0].toString(), "--bogus"}};
        for (String[] args : cases) {
            String[] full = new String[args.length + 1];
            full[0] = "compare";
            System.arraycopy(args, 0, full, 1, args.length);
            ProbeDemoIT.Run run = ProbeDemoIT.probeDemo(full);
            assertEquals(2, run.status(), String.join(" ", args) + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
            assertTrue(run.out().isEmpty(), run.out());
            assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
        }
    }

    @Test
    void compareHelpNamesTheExitStatuses() throws Exception {
        ProbeDemoIT.Run run = ProbeDemoIT.probeDemo("compare", "--help");
        assertEquals(0, run.status());
        assertTrue(run.out().contains("Exit status: 0 nothing regressed; 1 something regressed; 2 bad usage or input"), run.out());
    }
}
