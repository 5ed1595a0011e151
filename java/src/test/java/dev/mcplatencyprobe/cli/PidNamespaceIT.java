package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.cli.ProbeDemoIT.Run;
import dev.mcplatencyprobe.probe.RequiresBpf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * probe-demo.jar inside a PID namespace of its own, as in a container without --pid=host: what it
 * traces and the PIDs it reports are those of that namespace, and processes outside it are not traced.
 * dd with bs=1 count=N makes N+3 reads and N+3 writes here, N+1 where dd finds no locale files (a
 * minbase Debian): a count is checked to be within N..N+10, which a second traced dd would double.
 */
@RequiresBpf
class PidNamespaceIT {
    /** A new PID namespace with its own /proc, as a container runtime makes it. */
    private static final List<String> NEW_PID_NAMESPACE = List.of("unshare", "--pid", "--fork", "--mount-proc");
    private static final Path JAR = Path.of(System.getProperty("probeDemoJar", "target/probe-demo.jar")).toAbsolutePath();
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Pattern TGID = Pattern.compile("\"processes\":\\[\\{\"tgid\":(\\d+)");

    @Test
    void aLaunchedCommandIsCountedExactly() throws Exception {
        Run run = ProbeDemoIT.probeDemo(NEW_PID_NAMESPACE, "--format", "json", "--per-process",
                "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=4000");
        assertEquals(0, run.status(), run.err());
        String last = ProbeDemoIT.lastLine(run.out());
        assertDdCalls(4000, ProbeDemoIT.syscallCount(last, "read"), last);
        assertDdCalls(4000, ProbeDemoIT.syscallCount(last, "write"), last);
        // The launched dd is the probe's child in the namespace, where the probe itself is PID 1.
        long tgid = reportedTgid(last);
        assertTrue(tgid > 1 && tgid < 100, "the namespace's PID expected, got " + tgid);
    }

    @Test
    void aCommandInANamespaceNestedBelowTheProbesIsTraced() throws Exception {
        // Its threads' own namespace is not the probe's: their PIDs are read at the probe's level.
        // unshare itself writes nothing, so every write is dd's.
        Run run = ProbeDemoIT.probeDemo(NEW_PID_NAMESPACE, "--format", "json", "--per-process", "--syscalls", "write",
                "--", "unshare", "--pid", "--fork", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=1500");
        assertEquals(0, run.status(), run.err());
        String last = ProbeDemoIT.lastLine(run.out());
        assertDdCalls(1500, ProbeDemoIT.syscallCount(last, "write"), last);
        long tgid = reportedTgid(last);
        assertTrue(tgid > 1 && tgid < 100, "the probe's namespace's PID expected, got " + tgid);
    }

    @Test
    void aPidOfTheNamespaceIsTracedAndReportedByThatPid(@TempDir Path dir) throws Exception {
        // The workload waits for the probe to attach, then becomes dd: its PID is the one given to --pid.
        String script = String.join("\n",
                "sh -c 'while [ ! -e " + dir.resolve("go") + " ]; do sleep 0.01; done; "
                        + "exec dd if=/dev/zero of=/dev/null bs=1 count=3000 2>/dev/null' &",
                "w=$!",
                "echo $w > " + dir.resolve("pid"),
                probeCommand() + " --format json --per-process --pid $w 2>" + dir.resolve("err") + " &",
                "p=$!",
                awaitTracing(dir),
                "touch " + dir.resolve("go"),
                "wait $p");
        Run run = inNamespace(dir, script);
        assertEquals(0, run.status(), run.err() + Files.readString(dir.resolve("err")));
        String last = ProbeDemoIT.lastLine(run.out());
        // dd writes its three summary lines to /dev/null: still 3 writes beyond the copy.
        assertDdCalls(3000, ProbeDemoIT.syscallCount(last, "read"), last);
        assertDdCalls(3000, ProbeDemoIT.syscallCount(last, "write"), last);
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        assertEquals(pid, reportedTgid(last), last);
    }

    @Test
    void aCommandNameMatchesOnlyProcessesOfTheNamespace(@TempDir Path dir) throws Exception {
        // dd under a name of its own, so that no other dd on the host is counted.
        Path nsdd = dir.resolve("nsdd");
        Files.copy(Path.of("/bin/dd"), nsdd, StandardCopyOption.COPY_ATTRIBUTES);
        String script = String.join("\n",
                probeCommand() + " --format json --comm nsdd 2>" + dir.resolve("err") + " &",
                "p=$!",
                awaitTracing(dir),
                "touch " + dir.resolve("attached"),
                nsdd + " if=/dev/zero of=/dev/null bs=1 count=2000 2>/dev/null",
                // The host's nsdd, started by the test, has run to its end when this file appears.
                "while [ ! -e " + dir.resolve("outside-done") + " ]; do sleep 0.01; done",
                "kill -TERM $p", // an & job of a script ignores SIGINT
                "wait $p");
        Process inside = start(dir, script);
        awaitFile(dir.resolve("attached"), inside);
        Process outside = new ProcessBuilder(nsdd.toString(), "if=/dev/zero", "of=/dev/null", "bs=1", "count=5000")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, outside.waitFor());
        Files.createFile(dir.resolve("outside-done"));
        Run run = finish(dir, inside);
        assertEquals(143, run.status(), run.err() + Files.readString(dir.resolve("err"))); // stopped by SIGTERM
        String last = ProbeDemoIT.lastLine(run.out());
        assertDdCalls(2000, ProbeDemoIT.syscallCount(last, "read"), "only the namespace's nsdd: " + last);
        assertDdCalls(2000, ProbeDemoIT.syscallCount(last, "write"), "only the namespace's nsdd: " + last);
    }

    @Test
    void aNamespaceWithoutItsOwnProcIsRefusedInOneLine() throws Exception {
        // Without --mount-proc, /proc shows the host's PIDs while the probe's are the namespace's.
        Run run = ProbeDemoIT.probeDemo(List.of("unshare", "--pid", "--fork"), "--", "true");
        assertEquals(2, run.status(), run.err());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.contains("--pid=host") && err.contains("hostPID: true"), err);
        assertFalse(err.contains("Exception"), err);
    }

    private static String probeCommand() {
        return JAVA + " -jar " + JAR;
    }

    /** Shell lines that wait until the probe says it is tracing (it prints that after attaching). */
    private static String awaitTracing(Path dir) {
        return "for i in $(seq 6000); do grep -q '^Tracing' " + dir.resolve("err") + " 2>/dev/null && break; "
                + "kill -0 $p 2>/dev/null || break; sleep 0.01; done";
    }

    private static long reportedTgid(String json) {
        Matcher m = TGID.matcher(json);
        assertTrue(m.find(), "no per-process report in " + json);
        return Long.parseLong(m.group(1));
    }

    private static Process start(Path dir, String script) throws Exception {
        Path file = dir.resolve("run.sh");
        Files.writeString(file, script + "\n");
        List<String> cmd = new ArrayList<>(NEW_PID_NAMESPACE);
        cmd.addAll(List.of("bash", file.toString()));
        // Output to files, so that a hung run fails at the timeout instead of blocking on a pipe.
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("shell-err").toFile()).start();
        p.getOutputStream().close();
        return p;
    }

    private static Run finish(Path dir, Process p) throws Exception {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the namespace's shell did not finish");
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("shell-err")));
    }

    private static Run inNamespace(Path dir, String script) throws Exception {
        return finish(dir, start(dir, script));
    }

    private static void awaitFile(Path file, Process owner) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            if (!owner.isAlive() || System.nanoTime() > deadline) {
                owner.destroyForcibly();
                throw new AssertionError(file + " did not appear");
            }
            Thread.sleep(10);
        }
    }

    /** dd bs=1 count=n: n plus the few reads and writes of its start-up and end. */
    private static void assertDdCalls(long n, long actual, String context) {
        org.junit.jupiter.api.Assertions.assertTrue(actual >= n && actual <= n + 10,
                () -> "expected " + n + ".." + (n + 10) + " calls, got " + actual + ": " + context);
    }
}
