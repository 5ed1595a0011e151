package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcplatencyprobe.probe.RequiresBpf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 10, each as a hostile traced process or a hostile user would make it,
 * against probe-demo.jar run as a separate process (as root, like the README says).
 */
@RequiresBpf
class HostileTargetsIT {
    private static final Path JAR = Path.of(System.getProperty("probeDemoJar", "target/probe-demo.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_PEAK_RSS_KB = 300 * 1024;

    @TempDir
    Path tmp;

    record Run(int status, String out, String err, long peakRssKb) {}

    /** Runs probe-demo.jar with {@code env} added, sampling its VmHWM (peak RSS) until it exits. */
    private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        byte[][] streams = new byte[2][];
        Thread out = new Thread(() -> streams[0] = readAll(p.getInputStream()));
        Thread err = new Thread(() -> streams[1] = readAll(p.getErrorStream()));
        out.start();
        err.start();
        long peak = 0;
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")));
                    }
                }
            } catch (IOException | RuntimeException exited) {
                // Gone between the check and the read.
            }
            Thread.sleep(20);
        }
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe-demo did not finish: " + cmd);
        }
        out.join();
        err.join();
        Run run = new Run(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1], StandardCharsets.UTF_8), peak);
        assertBalanced(run.out());
        return run;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** emitted = recorded + dropped + unread in every JSON report of the run. */
    static void assertBalanced(String out) throws IOException {
        for (String line : out.split("\n")) {
            if (line.startsWith("{\"report\":\"mcp_latency\"")) {
                JsonNode loss = JSON.readTree(line).get("loss");
                assertEquals(loss.get("emitted").asLong(),
                        loss.get("recorded").asLong() + loss.get("dropped").asLong() + loss.get("unread").asLong(), line);
            }
        }
    }

    private Path compile(String name, String source) throws IOException, InterruptedException {
        Path c = Files.writeString(tmp.resolve(name + ".c"), source);
        Path binary = tmp.resolve(name);
        // clang: a build dependency (make deps), unlike gcc on a fresh Debian.
        Process cc = new ProcessBuilder("clang", "-O2", "-o", binary.toString(), c.toString()).inheritIO().start();
        assertEquals(0, cc.waitFor(), "clang " + c);
        return binary;
    }

    @Test
    void everySyscallNumberUpTo65535IsOneUnknownRowInBoundedMemory() throws Exception {
        Path prog = compile("badnr", """
                #include <unistd.h>
                #include <sys/syscall.h>
                int main(void) {
                    for (int r = 0; r < 3; r++)
                        for (long n = 512; n <= 65535; n++)
                            syscall(n);
                    return 0;
                }
                """);
        Run run = run(Map.of(), "--format", "json", "--", prog.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode last = JSON.readTree(ProbeDemoIT.lastLine(run.out()));
        long unknown = 0;
        int rows = 0;
        for (JsonNode s : last.get("syscalls")) {
            rows++;
            if (s.get("name").asText().equals("unknown")) {
                unknown = s.get("count").asLong();
            }
        }
        assertEquals(3L * (65535 - 512 + 1), unknown, "one row with the exact count");
        assertTrue(rows < 100, rows + " syscall rows");
        JsonNode loss = last.get("loss");
        assertEquals(0, loss.get("dropped").asLong() + loss.get("unread").asLong(), "nothing lost: " + loss);
        assertEquals(loss.get("recorded").asLong(), last.get("total_calls").asLong());
        assertTrue(run.peakRssKb() > 0 && run.peakRssKb() < MAX_PEAK_RSS_KB, "peak RSS " + run.peakRssKb() + " KiB");
    }

    @Test
    void symlinksPlantedAtTheNextReportNamesAreNotFollowed() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("world-writable"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path victim = Files.writeString(tmp.resolve("victim"), "root:x:0:0::/root:/bin/bash\n");
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
        LocalDateTime now = LocalDateTime.now();
        List<Path> planted = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
            for (String ext : List.of("txt", "json", "html", "hlog")) {
                Path link = out.resolve("ebpf_mcp_latency_" + now.plusSeconds(s).format(stamp) + "." + ext);
                planted.add(Files.createSymbolicLink(link, victim));
            }
        }
        Run run = run(Map.of(), "--out", out.toString(), "-d", "1s", "--", "true");
        assertEquals(0, run.status(), run.err());
        assertEquals("root:x:0:0::/root:/bin/bash\n", Files.readString(victim));
        planted.forEach(link -> assertTrue(Files.isSymbolicLink(link), link + " still the planted link"));
        try (Stream<Path> files = Files.list(out)) {
            List<Path> reports = files.filter(f -> !Files.isSymbolicLink(f)).toList();
            assertEquals(4, reports.size(), reports.toString());
            for (Path report : reports) {
                assertTrue(report.getFileName().toString().matches("ebpf_mcp_latency_\\d{8}_\\d{6}-1\\.(txt|json|html|hlog)"), report.toString());
                assertTrue(Files.size(report) > 0);
            }
        }
    }

    @Test
    void controlCharactersInAProcessNameNeverReachTheOutput() throws Exception {
        // The name is the traced program's own choice: ESC ] 0 ; pwn BEL, a newline, then a forged line.
        String hostile = "a\u001b]0;pwn\u0007\nb";
        Path prog = Files.copy(Path.of("/bin/sleep"), tmp.resolve(hostile));
        Path out = Files.createDirectory(tmp.resolve("reports"));
        Run run = run(Map.of(), "--per-process", "--out", out.toString(), "--", prog.toString(), "0.2");
        assertEquals(0, run.status(), run.err());
        List<String> outputs = new ArrayList<>(List.of(run.out(), run.err()));
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                outputs.add(Files.readString(f));
            }
        }
        assertEquals(6, outputs.size()); // stdout, stderr, .txt, .json, .html, .hlog
        for (String output : outputs) {
            assertFalse(output.contains("\u001b") || output.contains("\u0007"), output);
            assertFalse(output.lines().anyMatch(line -> line.equals("b") || line.startsWith("b ") || line.startsWith("b)")
                    || line.startsWith("b'") || line.startsWith("b:")), "a forged line in:\n" + output);
        }
        assertTrue(run.out().contains("a\\x1b]0;pwn\\x07\\x0ab"), run.out());
    }

    @Test
    void aLaunchedCommandRunsAsTheSudoUserUnlessAsRoot() throws Exception {
        Map<String, String> sudo = Map.of("SUDO_UID", "65534", "SUDO_GID", "65534", "SUDO_USER", "nobody");
        Run asUser = run(sudo, "--format", "json", "--", "id", "-u");
        assertEquals(0, asUser.status(), asUser.err());
        assertEquals("65534", asUser.out().lines().findFirst().orElse(""));
        Run groups = run(sudo, "--format", "json", "--", "id", "-G");
        assertFalse((" " + groups.out().lines().findFirst().orElse("") + " ").contains(" 0 "), "no root group: " + groups.out());
        Run asRoot = run(sudo, "--as-root", "--format", "json", "--", "id", "-u");
        assertEquals(0, asRoot.status(), asRoot.err());
        assertEquals("0", asRoot.out().lines().findFirst().orElse(""));
    }
}
