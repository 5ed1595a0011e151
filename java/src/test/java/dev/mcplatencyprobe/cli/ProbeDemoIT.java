package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.probe.RequiresBpf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;

/** probe-demo.jar run the way a user runs it: as a separate process, judged by its output and exit status. */
@RequiresBpf
class ProbeDemoIT {
    private static final Path JAR = Path.of(System.getProperty("probeDemoJar", "target/probe-demo.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    record Run(int status, String out, String err) {}

    static Run probeDemo(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(JAVA.toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        // Read both streams fully; stderr on another thread so neither pipe fills up.
        StringBuilder err = new StringBuilder();
        Thread errReader = new Thread(() -> {
            try {
                err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // The process died; what was read is kept.
            }
        });
        errReader.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe-demo did not finish: " + cmd);
        }
        errReader.join();
        HostileTargetsIT.assertBalanced(out); // every JSON report of every run: emitted = recorded + dropped + unread
        return new Run(p.exitValue(), out, err.toString());
    }

    static Run probeDemo(String... args) throws IOException, InterruptedException {
        return probeDemo(List.of(), args);
    }

    static long syscallCount(String json, String name) {
        Matcher m = Pattern.compile("\\{\"name\":\"" + name + "\",\"nr\":\\d+,\"count\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void jsonReportOfDdCountsItsReadsAndWrites() throws Exception {
        Run run = probeDemo("--format", "json", "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=20000");
        assertEquals(0, run.status(), run.err());
        String last = lastLine(run.out());
        assertTrue(last.contains("\"final\":true"), last);
        long reads = syscallCount(last, "read");
        long writes = syscallCount(last, "write");
        assertTrue(reads >= 20000 && reads <= 20010, "reads " + reads + " in " + last);
        assertTrue(writes >= 20000 && writes <= 20010, "writes " + writes);
        assertTrue(last.contains("\"dropped\":0"), last);
        assertTrue(run.err().contains("Attaching "), run.err());
        assertTrue(run.err().contains("Tracing syscalls of 'dd"), run.err());
        assertTrue(run.err().contains("exited with status 0"), run.err());
    }

    @Test
    void everyIntervalGetsAReportAndOnlyTheLastIsFinal() throws Exception {
        Run run = probeDemo("--interval", "500ms", "--duration", "1700ms", "--format", "json",
                "--", "sh", "-c", "while :; do sleep 0.05; done");
        assertEquals(0, run.status(), run.err()); // stopped by --duration, not by the command
        List<String> reports = run.out().lines().filter(l -> l.startsWith("{")).toList();
        assertTrue(reports.size() >= 4, "3 intervals and the whole run: " + reports.size() + "\n" + run.out() + run.err());
        for (String interval : reports.subList(0, reports.size() - 1)) {
            assertTrue(interval.contains("\"final\":false") && interval.contains("\"window_s\":0.5"), interval);
        }
        assertTrue(reports.get(reports.size() - 1).contains("\"final\":true"));
    }

    @Test
    void theLaunchedCommandsExitStatusIsTheProbes() throws Exception {
        Run run = probeDemo("--", "sh", "-c", "exit 7");
        assertEquals(7, run.status(), run.err());
    }

    @Test
    void aPidRunReportsTheSleepsOfItsChildren() throws Exception {
        Process sleeper = new ProcessBuilder("sh", "-c", "while :; do sleep 0.05; done").start();
        try {
            Run run = probeDemo("--pid", Long.toString(sleeper.pid()), "--follow-children", "--duration", "1500ms",
                    "--format", "json");
            assertEquals(0, run.status(), run.err());
            long sleeps = syscallCount(lastLine(run.out()), "clock_nanosleep");
            assertTrue(sleeps >= 10 && sleeps <= 40, "clock_nanosleep calls in 1.5 s of 50 ms sleeps: " + sleeps);
        } finally {
            sleeper.descendants().forEach(ProcessHandle::destroyForcibly);
            sleeper.destroyForcibly();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"INT", "TERM"})
    void aSignalStopsTheProbeWithTheFinalReport(String signal) throws Exception {
        Process sleeper = new ProcessBuilder("sh", "-c", "while :; do sleep 0.05; done").start();
        Process probe = new ProcessBuilder(JAVA.toString(), "-jar", JAR.toString(), "--pid", Long.toString(sleeper.pid()),
                "--follow-children").redirectError(ProcessBuilder.Redirect.PIPE).start();
        try {
            java.io.BufferedReader err = new java.io.BufferedReader(
                    new java.io.InputStreamReader(probe.getErrorStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; (line = err.readLine()) != null && !line.startsWith("Tracing"); ) {
                seen.append(line).append('\n');
            }
            Thread.sleep(500);
            new ProcessBuilder("kill", "-" + signal, Long.toString(probe.pid())).start().waitFor();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String rest = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
            assertEquals(signal.equals("INT") ? 130 : 143, probe.exitValue(), seen + rest);
            assertTrue(out.contains("========== MCP Latency Report (whole run"), out);
            assertTrue(syscallCountInText(out, "clock_nanosleep"), out);
            assertTrue(rest.contains("Stopped (interrupted)"), rest);
        } finally {
            probe.destroyForcibly();
            sleeper.descendants().forEach(ProcessHandle::destroyForcibly);
            sleeper.destroyForcibly();
        }
    }

    private static boolean syscallCountInText(String report, String syscall) {
        return report.lines().anyMatch(l -> l.startsWith("Top syscalls by") && l.contains(syscall));
    }

    @Test
    void theTextReportHasTheUsersFormat() throws Exception {
        Run run = probeDemo("--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=2000");
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            if (lines.get(i).matches("========== MCP Latency Report \\(whole run, [0-9.]+m?s\\) ==========")) {
                header = i;
            }
        }
        assertTrue(header >= 0, "header line in:\n" + run.out());
        assertEquals("Syscall Latency Distribution (microseconds):", lines.get(header + 1));
        int row = header + 2;
        Pattern histogramRow = Pattern.compile("^(\\[\\d+[KMGTPE]?(, \\d+[KMGTPE]?\\))?|\\[\\d+\\]|\\(\\.\\.\\., 0\\))\\s* {0,16}\\s*\\d+ \\|@*\\s*\\|$");
        while (lines.get(row).startsWith("[")) {
            assertTrue(histogramRow.matcher(lines.get(row)).matches() && lines.get(row).length() == 16 + 8 + 2 + 52 + 1,
                    "bpftrace row: '" + lines.get(row) + "'");
            row++;
        }
        assertTrue(row > header + 2, "no histogram rows");
        assertTrue(lines.get(row).matches("Total calls: \\d+"), lines.get(row));
        assertEquals("⚠️  High latency calls (>50ms): 0", lines.get(row + 1));
        assertEquals("=".repeat(lines.get(header).length()), lines.get(row + 2));
        assertTrue(run.out().contains("Verdict: "), run.out());
    }

    @Test
    void outWritesTheTextReportItsJsonTwinTheHtmlAndTheHlog(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("reports/new");
        Run run = probeDemo("--out", out.toString(), "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=100");
        assertEquals(0, run.status(), run.err());
        List<Path> files;
        try (Stream<Path> list = Files.list(out)) {
            files = list.sorted().toList();
        }
        assertEquals(4, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().matches("ebpf_mcp_latency_\\d{8}_\\d{6}\\.hlog"), files.toString());
        assertTrue(files.get(1).getFileName().toString().matches("ebpf_mcp_latency_\\d{8}_\\d{6}\\.html"), files.toString());
        assertTrue(files.get(2).getFileName().toString().matches("ebpf_mcp_latency_\\d{8}_\\d{6}\\.json"), files.toString());
        assertTrue(files.get(3).getFileName().toString().matches("ebpf_mcp_latency_\\d{8}_\\d{6}\\.txt"), files.toString());
        assertTrue(Files.readString(files.get(3)).startsWith("========== MCP Latency Report (whole run"));
        assertTrue(Files.readString(files.get(2)).contains("\"final\":true"));
    }

    static Stream<Arguments> userMistakes() {
        return Stream.of(
                Arguments.of(List.of("--bogus"), "unknown option"),
                Arguments.of(List.of("--interval", "0s", "--all"), "must be positive"),
                Arguments.of(List.of("--duration", "-5s", "--all"), "must be positive"),
                Arguments.of(List.of("--interval", "10us", "--all"), "below the minimum of 100ms"),
                Arguments.of(List.of("--pid"), "needs a value"),
                Arguments.of(List.of("--out", "/etc/hostname", "--all"), "is a file, not a directory"),
                Arguments.of(List.of("--duration", "soon", "--all"), "not a duration"),
                Arguments.of(List.of("--pid", "999999999"), "no process with PID 999999999"),
                Arguments.of(List.of("--pid", "abc"), "not a PID"),
                Arguments.of(List.of("--unit", "no-such-unit-mlp"), "not running"),
                Arguments.of(List.of("--user-unit", "nobody:no-such-unit-mlp"), "not running"),
                Arguments.of(List.of("--user-unit", "no-such-unit-mlp"), "--user-unit USER:no-such-unit-mlp"),
                Arguments.of(List.of("--unit=-Hroot@evil"), "is not a systemd unit name"),
                Arguments.of(List.of("--cgroup", "/no/such/cgroup"), "no cgroup v2 directory"),
                Arguments.of(List.of("--syscalls", "read,frobnicate", "--all"), "unknown syscall 'frobnicate'"),
                Arguments.of(List.of("--format", "xml", "--all"), "--format text or --format json"),
                Arguments.of(List.of("--", "/no/such/command"), "cannot execute '/no/such/command'"),
                Arguments.of(List.of("--", "no-such-command-mlp"), "command not found"),
                Arguments.of(List.of("--ring-size", "3000", "--all"), "power of two"));
    }

    @ParameterizedTest
    @MethodSource("userMistakes")
    void aUserMistakeIsOneLineAndStatusTwo(List<String> args, String expected) throws Exception {
        Run run = probeDemo(args.toArray(String[]::new));
        assertEquals(2, run.status(), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    }

    @Test
    void helpAndVersionExitZero() throws Exception {
        Run help = probeDemo("--help");
        assertEquals(0, help.status());
        for (String option : List.of("--pid", "--comm", "--unit", "--user-unit", "--cgroup", "--all", "--follow-children",
                "--interval", "--duration", "--threshold", "--syscalls", "--format", "--out", "CAP_BPF")) {
            assertTrue(help.out().contains(option), option);
        }
        Run version = probeDemo("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().matches("probe-demo \\d+\\.\\d+\\.\\d+\\s*"), version.out());
    }

    // Least privilege: an unprivileged user with only CAP_BPF and CAP_PERFMON can trace; without them, a clear refusal.
    private static final List<String> AS_NOBODY_WITH_BPF_CAPS = List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
            "--clear-groups", "--inh-caps=+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon");
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");

    @Test
    void capBpfAndCapPerfmonAloneAreEnough() throws Exception {
        Run run = probeDemo(AS_NOBODY_WITH_BPF_CAPS, "--format", "json", "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=5000");
        assertEquals(0, run.status(), run.err());
        long reads = syscallCount(lastLine(run.out()), "read");
        assertTrue(reads >= 5000 && reads <= 5010, "reads " + reads);
    }

    @Test
    void withoutCapabilitiesTheErrorNamesThem() throws Exception {
        Run run = probeDemo(AS_NOBODY, "--", "true");
        assertEquals(2, run.status(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("CAP_BPF") && run.err().contains("CAP_PERFMON"), run.err());
    }
}
