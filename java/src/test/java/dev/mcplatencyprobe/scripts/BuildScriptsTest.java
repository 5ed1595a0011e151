package dev.mcplatencyprobe.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Makefile's helpers: under sudo the build runs as the invoking user and root's files in the
 * checkout are handed back without following links; 'make test' ends with the counts of the reports.
 */
class BuildScriptsTest {
    private static final Path SCRIPTS = Path.of("..", "scripts").toAbsolutePath().normalize();
    /** nobody: a real user other than root on any Debian. */
    private static final Map<String, String> SUDO_BY_NOBODY = Map.of("SUDO_USER", "nobody", "SUDO_UID", "65534", "SUDO_GID", "65534");

    record Result(int status, String out) {}

    private static Result run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SUDO_") || k.equals("MVN_STATUS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Result(p.exitValue(), out);
    }

    private static boolean root() throws Exception {
        return run(Map.of(), "id", "-u").out().strip().equals("0");
    }

    private static int owner(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void underSudoTheCommandRunsAsTheInvokingUserWithTheirHome() throws Exception {
        assumeTrue(root(), "needs root to switch users");
        Result r = run(SUDO_BY_NOBODY, "bash", SCRIPTS.resolve("as-user.sh").toString(), "sh", "-c", "id -u; echo $HOME");
        assertEquals(0, r.status(), r.out());
        String home = run(Map.of(), "sh", "-c", "getent passwd nobody | cut -d: -f6").out().strip();
        assertEquals("65534\n" + home, r.out().strip());
    }

    @Test
    void asPlainRootOrSudoToRootNothingChanges() throws Exception {
        assumeTrue(root(), "needs root");
        assertEquals("0", run(Map.of(), "bash", SCRIPTS.resolve("as-user.sh").toString(), "id", "-u").out().strip());
        Map<String, String> sudoByRoot = Map.of("SUDO_USER", "root", "SUDO_UID", "0", "SUDO_GID", "0");
        assertEquals("0", run(sudoByRoot, "bash", SCRIPTS.resolve("as-user.sh").toString(), "id", "-u").out().strip());
    }

    @Test
    void rootsFilesAreHandedBackAndLinksAreNotFollowed(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "needs root to own and chown files");
        Path checkout = Files.createDirectories(dir.resolve("checkout/java/target/classes"));
        Path built = Files.writeString(checkout.resolve("A.class"), "x");
        Path outside = Files.writeString(dir.resolve("outside-file"), "root's, not the checkout's");
        Path link = Files.createSymbolicLink(dir.resolve("checkout/link-out"), outside);

        Result r = run(SUDO_BY_NOBODY, "bash", SCRIPTS.resolve("give-back.sh").toString(), dir.resolve("checkout").toString());
        assertEquals(0, r.status(), r.out());
        assertEquals(65534, owner(built));
        assertEquals(65534, owner(checkout));
        assertEquals(65534, owner(link));
        assertEquals(0, owner(outside), "a link's target outside the checkout keeps its owner");

        // Plain root: nothing changes.
        Path rootFile = Files.writeString(dir.resolve("checkout/root-file"), "x");
        assertEquals(0, run(Map.of(), "bash", SCRIPTS.resolve("give-back.sh").toString(), dir.resolve("checkout").toString()).status());
        assertEquals(0, owner(rootFile));
    }

    @Test
    void theSummaryCountsEveryModuleAndPhaseAndEndsWithTheTotals(@TempDir Path dir) throws Exception {
        report(dir.resolve("java/target/surefire-reports"), "A", "tests=\"5\" errors=\"1\" skipped=\"1\" failures=\"0\"");
        report(dir.resolve("java/target/surefire-reports"), "B", "failures=\"0\" tests=\"3\" errors=\"0\" skipped=\"0\"");
        report(dir.resolve("java/target/failsafe-reports"), "C", "tests=\"7\"\n  failures=\"2\" errors=\"0\" skipped=\"0\"");
        report(dir.resolve("benchmarks/mcp/target/surefire-reports"), "D", "tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"0\"");

        Result r = run(Map.of(), "bash", SCRIPTS.resolve("test-summary.sh").toString(), dir.toString());
        assertEquals(1, r.status(), r.out());
        assertEquals(List.of(
                "benchmarks/mcp: unit tests (surefire): 4 tests, 0 failures, 0 errors, 0 skipped",
                "java: unit tests (surefire): 8 tests, 0 failures, 1 errors, 1 skipped",
                "java: integration tests (failsafe): 7 tests, 2 failures, 0 errors, 0 skipped",
                "15 passed, 3 failed, 1 skipped"), r.out().strip().lines().toList());
    }

    @Test
    void aFailedBuildWithoutTestFailuresStillFailsAndSaysSo(@TempDir Path dir) throws Exception {
        report(dir.resolve("java/target/surefire-reports"), "A", "tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"0\"");
        Result r = run(Map.of("MVN_STATUS", "1"), "bash", SCRIPTS.resolve("test-summary.sh").toString(), dir.toString());
        assertEquals(1, r.status(), r.out());
        List<String> lines = new ArrayList<>(r.out().strip().lines().toList());
        assertEquals("2 passed, 0 failed, 0 skipped", lines.get(lines.size() - 1));
        assertTrue(lines.get(lines.size() - 2).contains("mvn exit status 1"), r.out());
    }

    private static void report(Path dir, String name, String attributes) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("TEST-" + name + ".xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" name=\"" + name + "\" time=\"0.1\" "
                + attributes + ">\n<testcase name=\"t\" classname=\"" + name + "\" time=\"0\"/>\n</testsuite>\n");
    }
}
