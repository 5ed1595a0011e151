package dev.mcplatencyprobe.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every experiment kept in benchmarks/overhead/experiments applies to this checkout's kernel side and
 * shim, so run-experiments.sh measures what its README says: a change to bpf-src/ or native/ that
 * breaks a patch fails the build, and the patch is rebased or moved out (see that README).
 */
class ExperimentPatchesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path EXPERIMENTS = ROOT.resolve("benchmarks/overhead/experiments");

    private static boolean gitRuns() {
        try {
            Process git = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            git.getInputStream().readAllBytes();
            return git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void everyExperimentPatchAppliesToThisCheckout() throws Exception {
        // safe.directory: make test runs as root, also in a checkout that belongs to the user.
        assumeTrue(Files.exists(ROOT.resolve(".git")) && gitRuns(), "not a git checkout, or no git: git apply needs both");
        List<Path> patches;
        try (Stream<Path> files = Files.list(EXPERIMENTS)) {
            patches = files.filter(p -> p.toString().endsWith(".patch")).sorted().toList();
        }
        assertFalse(patches.isEmpty(), "no patches in " + EXPERIMENTS);
        for (Path patch : patches) {
            Process git = new ProcessBuilder("git", "-c", "safe.directory=*", "-C", ROOT.toString(), "apply", "--check", patch.toString())
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(true, git.waitFor(30, TimeUnit.SECONDS), "git apply --check " + patch);
            assertEquals(0, git.exitValue(), patch.getFileName() + " no longer applies: rebase it or move it out\n" + out);
        }
    }
}
