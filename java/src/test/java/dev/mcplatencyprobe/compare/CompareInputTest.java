package dev.mcplatencyprobe.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.compare.Comparison.Decision;
import dev.mcplatencyprobe.compare.Comparison.RowResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What compare reads: hostile and mismatched files are one-line errors; the MCP methods of a report are rows. */
class CompareInputTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> malformed() {
        String good = "{\"report\":\"mcp_latency\",\"subject\":null,\"total_calls\":2,\"percentiles_ns\":{\"max\":5},"
                + "\"syscalls\":[],\"without_blocking_waits\":{\"count\":0,\"percentiles_ns\":{\"max\":null},\"fine_histogram_ns\":[]},"
                + "\"fine_histogram_ns\":[[5,2]]}";
        return Stream.of(
                Arguments.of("empty", "", "neither a JSON report nor an .hlog"),
                Arguments.of("text", "hello world\n", "neither a JSON report nor an .hlog"),
                Arguments.of("truncated", good.substring(0, good.length() - 9), "not valid JSON"),
                Arguments.of("not a report", "{\"a\":1}", "not an mcp_latency report"),
                Arguments.of("old report", good.replace(",\"fine_histogram_ns\":[[5,2]]}", "}"), "older probe-demo"),
                Arguments.of("count mismatch", good.replace("[[5,2]]", "[[5,3]]"), "holds 3 calls where the count says 2"),
                Arguments.of("negative count", good.replace("[[5,2]]", "[[5,-2]]"), "count below 1"),
                Arguments.of("not pairs", good.replace("[[5,2]]", "[[5,2,1]]"), "[value, count] pairs"),
                Arguments.of("huge number", good.replace("[[5,2]]", "[[5,1e999999]]"), "whole number"),
                Arguments.of("string count", good.replace("\"total_calls\":2", "\"total_calls\":\"2\""), "total_calls"),
                Arguments.of("deep nesting", "{\"a\":".repeat(100_000), "nested deeper"),
                Arguments.of("duplicate syscall", good.replace("\"syscalls\":[]",
                        "\"syscalls\":[{\"name\":\"read\",\"count\":0,\"fine_histogram_ns\":[]},{\"name\":\"read\",\"count\":0,\"fine_histogram_ns\":[]}]"),
                        "two rows"),
                Arguments.of("hlog garbage", "#[StartTime: 1 (seconds since epoch)]\nTag=all,0.0,1.0,2.0,NOTBASE64!!\n", "not a readable .hlog"),
                Arguments.of("hlog empty", "#[StartTime: 1 (seconds since epoch)]\n", "holds no histograms"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedFileIsOneLineOfError(String name, String content, String expected) throws Exception {
        Path file = dir.resolve(name.replace(' ', '_') + ".json");
        Files.writeString(file, content);
        BadInputException e = assertThrows(BadInputException.class, () -> ReportFile.read(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void binaryAndMissingFilesAreOneLineOfError() throws Exception {
        Path binary = dir.resolve("binary");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        assertTrue(assertThrows(BadInputException.class, () -> ReportFile.read(binary)).getMessage().contains("not UTF-8"));
        assertTrue(assertThrows(BadInputException.class, () -> ReportFile.read(dir.resolve("nope"))).getMessage()
                .contains("does not exist"));
        assertTrue(assertThrows(BadInputException.class, () -> ReportFile.read(dir)).getMessage().contains("not a regular file"));
    }

    @Test
    void aJsonReportAndAnHlogDoNotCompare() throws Exception {
        var a = SleepReports.write(dir, "mixed", 1, 100, 5_000_000);
        BadInputException e = assertThrows(BadInputException.class,
                () -> Comparison.of(ReportFile.read(a.json()), ReportFile.read(a.hlog()), Tolerances.defaults()));
        assertTrue(e.getMessage().contains("give two JSON reports or two .hlog files"), e.getMessage());
    }

    @Test
    void reportsOfDifferentSubjectsDoNotCompare() throws Exception {
        var a = SleepReports.write(dir, "subject", 1, 100, 5_000_000);
        String json = Files.readString(a.json());
        Path thinking = dir.resolve("thinking.json");
        Files.writeString(thinking, json.replace("\"subject\":null", "\"subject\":\"thinking\""));
        BadInputException e = assertThrows(BadInputException.class,
                () -> Comparison.of(ReportFile.read(a.json()), ReportFile.read(thinking), Tolerances.defaults()));
        assertTrue(e.getMessage().contains("'thinking'"), e.getMessage());
    }

    @Test
    void theFinalReportOfJsonLinesAndABenchmarkReportAreRead() throws Exception {
        var a = SleepReports.write(dir, "lines", 1, 100, 5_000_000);
        String report = Files.readString(a.json()).strip();
        Path lines = dir.resolve("lines.jsonl");
        Files.writeString(lines, report.replace("\"total_calls\":100", "\"total_calls\":0") + "\n" + report + "\n");
        assertEquals(100, ReportFile.read(lines).rows().get("OVERALL:all calls").count());
        Path benchmark = dir.resolve("benchmark.json");
        Files.writeString(benchmark, "{\"benchmark\":\"mcp_latency\",\"verdict\":\"EXCELLENT\",\"probe\":" + report + ",\"client\":null}\n");
        assertEquals(100, ReportFile.read(benchmark).rows().get("OVERALL:all calls").count());
    }

    /** The shape the MCP engineer defines: mcp.methods[{method, tool, count, ...}], here with fine histograms where known. */
    @Test
    void mcpMethodsAreComparedWhenTheReportHasThem() throws Exception {
        String base = mcpReport(5_000_000, true);
        String slower = mcpReport(8_000_000, true);
        Path a = dir.resolve("mcp-a.json");
        Path b = dir.resolve("mcp-b.json");
        Files.writeString(a, base);
        Files.writeString(b, slower);
        Comparison c = Comparison.of(ReportFile.read(a), ReportFile.read(b), Tolerances.defaults());
        RowResult call = c.rows().stream().filter(r -> r.group() == Row.Group.MCP && r.name().equals("tools/call sequentialthinking"))
                .findFirst().orElseThrow();
        assertEquals(Decision.REGRESSION, call.decision());
        RowResult list = c.rows().stream().filter(r -> r.group() == Row.Group.MCP && r.name().equals("tools/list"))
                .findFirst().orElseThrow();
        assertEquals(Decision.NO_DISTRIBUTION, list.decision());
        assertTrue(c.anyRegression());
        assertTrue(ComparisonReport.text(c).contains("mcp method tools/call sequentialthinking"), ComparisonReport.text(c));
    }

    private static String mcpReport(long callNs, boolean withFine) {
        return "{\"report\":\"mcp_latency\",\"subject\":null,\"total_calls\":300,\"percentiles_ns\":{\"max\":1000},"
                + "\"syscalls\":[],\"without_blocking_waits\":{\"count\":300,\"percentiles_ns\":{\"max\":1000},"
                + "\"fine_histogram_ns\":[[900,100],[1000,200]]},\"fine_histogram_ns\":[[900,100],[1000,200]],"
                + "\"mcp\":{\"methods\":[{\"method\":\"tools/call\",\"tool\":\"sequentialthinking\",\"count\":200,"
                + "\"p99_ns\":" + callNs + (withFine ? ",\"fine_histogram_ns\":[[" + callNs + ",150],[" + (callNs + callNs / 10) + ",50]]" : "")
                + "},{\"method\":\"tools/list\",\"tool\":null,\"count\":50,\"p99_ns\":200000}]}}";
    }
}
