package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcplatencyprobe.probe.RequiresBpf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start path as a user runs it (issue 15): JNA loads on its own thread beside the option
 * parsing, the phases print with -Dmcp-latency-probe.startup.marks=true and only then, and the run stays exact.
 */
@RequiresBpf
class StartupIT {
    private static final Path JAR = Path.of(System.getProperty("probeDemoJar", "target/probe-demo.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final int CALLS = 5000;

    private static ProbeDemoIT.Run run(boolean marks) throws Exception {
        return run(List.of(), marks);
    }

    private static ProbeDemoIT.Run run(List<String> prefix, boolean marks) throws Exception {
        return run(prefix, marks, JAR, null);
    }

    private static ProbeDemoIT.Run run(List<String> prefix, boolean marks, Path jar, java.io.File workDir) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(JAVA.toString());
        if (marks) {
            cmd.add("-Dmcp-latency-probe.startup.marks=true");
        }
        cmd.addAll(List.of("-jar", jar.toString(), "--format", "json", "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1",
                "count=" + CALLS));
        Process p = new ProcessBuilder(cmd).directory(workDir).redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe-demo did not finish: " + cmd);
        }
        return new ProbeDemoIT.Run(p.exitValue(), out, err);
    }

    @Test
    void phasesPrintInOrderBeforeTracingAndTheRunStaysExact() throws Exception {
        ProbeDemoIT.Run run = run(true);
        assertEquals(0, run.status(), run.err());
        String line = run.err().lines().filter(l -> l.startsWith("startup-marks ")).findFirst()
                .orElseThrow(() -> new AssertionError("no startup-marks line in: " + run.err()));
        Map<String, Double> at = new LinkedHashMap<>();
        for (String field : line.substring("startup-marks ".length()).split(" ")) {
            String[] kv = field.split("=");
            at.put(kv[0], Double.parseDouble(kv[1]));
        }
        assertEquals(0.0, at.get("main@main"), line);
        // JNA's part runs on its own thread, while main parses the options and checks the targets.
        assertTrue(at.containsKey("shim_registered@mlp-preload"), line);
        List<String> mainOrder = List.of("main@main", "options_parsed@main", "targets_checked@main", "shim_ready@main",
                "bpf_loaded@main", "attached@main", "tracing@main");
        for (int i = 1; i < mainOrder.size(); i++) {
            assertTrue(at.get(mainOrder.get(i - 1)) <= at.get(mainOrder.get(i)), mainOrder.get(i) + " after " + mainOrder.get(i - 1) + ": " + line);
        }
        assertTrue(at.get("shim_registered@mlp-preload") <= at.get("shim_ready@main"), line);
        int marksAt = run.err().indexOf("startup-marks ");
        assertTrue(marksAt >= 0 && marksAt < run.err().indexOf("Tracing syscalls of"), "the marks come before the Tracing line: " + run.err());
        // Exact as ever: every read and write of dd's loop (CALLS, and a few of its own set-up), none dropped.
        String last = ProbeDemoIT.lastLine(run.out());
        assertDdCounted(last);
        assertTrue(last.contains("\"dropped\":0"), last);
    }

    @Test
    void noMarksUnlessAskedFor() throws Exception {
        ProbeDemoIT.Run run = run(false);
        assertEquals(0, run.status(), run.err());
        assertFalse(run.err().contains("startup-marks"), run.err());
        assertDdCounted(ProbeDemoIT.lastLine(run.out()));
    }

    @Test
    void rootLoadsTheLibrariesFromTheCache() throws Exception {
        assumeTrue(isRoot(), "runs as root");
        ProbeDemoIT.Run run = run(true);
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains(" natives_cached@"), run.err());
    }

    /**
     * A user with CAP_BPF + CAP_PERFMON but not root never uses a cache: that user's unprivileged
     * processes could have filled it; the run unpacks into its own fresh directory and still works.
     */
    @Test
    void aNonRootUserWithCapabilitiesUnpacksIntoItsOwnDirectory() throws Exception {
        assumeTrue(isRoot(), "needs root to run the probe as another user with capabilities");
        // The jar copied where that user can read it: the checkout may be in a home only its owner can enter.
        Path dir = java.nio.file.Files.createTempDirectory("startup-it-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Path jar = java.nio.file.Files.copy(JAR, dir.resolve("probe-demo.jar"));
        ProbeDemoIT.Run run;
        try {
            java.nio.file.Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            run = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon"), true, jar, dir.toFile());
        } finally {
            java.nio.file.Files.deleteIfExists(jar);
            java.nio.file.Files.deleteIfExists(dir);
        }
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains(" natives_unpacked@"), run.err());
        assertFalse(run.err().contains(" natives_cached@"), run.err());
        assertDdCounted(ProbeDemoIT.lastLine(run.out()));
    }

    private static boolean isRoot() throws Exception {
        return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static void assertDdCounted(String json) {
        for (String name : List.of("read", "write")) {
            long n = ProbeDemoIT.syscallCount(json, name);
            assertTrue(n >= CALLS && n <= CALLS + 10, name + " " + n + " in " + json);
        }
    }
}
