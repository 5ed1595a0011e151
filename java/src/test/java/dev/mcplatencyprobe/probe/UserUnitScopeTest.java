package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.targets.Cgroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe traces only the units it was told to: no other user can plant a cgroup into its trace set. */
@RequiresBpf
class UserUnitScopeTest {
    private static final String UNIT = "omnimind-mcp@thinking.service";
    private static final int TARGET_UID = 4242;
    private static final int ATTACKER_UID = 65534;
    private static final String LOOP = "while :; do dd if=/dev/zero of=/dev/null bs=1 count=200 2>/dev/null; sleep 0.01; done";

    private final List<Path> made = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    /** A unit's cgroup under a user's manager, as systemd makes it; the directories created are removed after. */
    private Path unitCgroup(int uid) throws Exception {
        Path dir = Cgroups.v2Root();
        for (String part : List.of("user.slice", "user-" + uid + ".slice", "user@" + uid + ".service", "app.slice", UNIT)) {
            dir = dir.resolve(part);
            if (!Files.exists(dir)) {
                Files.createDirectory(dir);
                made.add(0, dir);
            }
        }
        return dir;
    }

    private Process runIn(Path cgroup) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + "; " + LOOP)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        for (int i = 0; i < 500; i++) {
            if (Files.readString(cgroup.resolve("cgroup.procs")).lines().anyMatch(l -> l.equals(Long.toString(p.pid())))) {
                return p;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(p.pid() + " never joined " + cgroup);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        for (Path dir : made) {
            for (int i = 0; i < 500 && Files.exists(dir); i++) {
                try {
                    Files.delete(dir);
                } catch (java.io.IOException busy) {
                    Thread.sleep(10);
                }
            }
        }
    }

    @Test
    void aCgroupPlantedUnderAnotherUsersSliceIsNotTraced() throws Exception {
        Process attacker = runIn(unitCgroup(ATTACKER_UID));
        ProbeException notRunning = assertThrows(ProbeException.class,
                () -> SyscallProbe.builder().userUnit(TARGET_UID + ":" + UNIT).open());
        assertEquals(ProbeException.Kind.BAD_TARGET, notRunning.kind());
        assertTrue(notRunning.getMessage().contains("is not running"), notRunning.getMessage());

        Process target = runIn(unitCgroup(TARGET_UID));
        try (SyscallProbe probe = SyscallProbe.builder().userUnit(TARGET_UID + ":" + UNIT).open()) {
            Workloads.Tally tally = TargetsTest.collectFor(probe, Duration.ofMillis(500));
            assertTrue(tally.tgids.contains((int) target.pid()), "the user's unit is traced: " + tally.tgids);
            assertFalse(tally.tgids.contains((int) attacker.pid()), "the planted one is not: " + tally.tgids);
        }
        // PROBE_USER's role in the library: the user of a unit given without one.
        try (SyscallProbe probe = SyscallProbe.builder().userUnit(UNIT).defaultUnitUser(Integer.toString(TARGET_UID)).open()) {
            Workloads.Tally tally = TargetsTest.collectFor(probe, Duration.ofMillis(300));
            assertFalse(tally.tgids.contains((int) attacker.pid()), tally.tgids.toString());
        }
    }

    @Test
    void rootWithoutSudoMustNameTheUnitsUser() {
        if (System.getenv("SUDO_UID") != null) {
            return; // the sudo user is the default then
        }
        ProbeException e = assertThrows(ProbeException.class, () -> SyscallProbe.builder().userUnit(UNIT).open());
        assertTrue(e.getMessage().contains("--user-unit USER:" + UNIT), e.getMessage());
    }

    @Test
    void unitNamesNeverBecomeOptionsOrPaths() {
        for (String name : List.of("-H evil", "--host=x", "../../user.slice", "a/b", "x\ny", "")) {
            ProbeException e = assertThrows(ProbeException.class, () -> SyscallProbe.builder().systemdUnit(name).open(), name);
            assertEquals(ProbeException.Kind.BAD_TARGET, e.kind());
            assertThrows(ProbeException.class, () -> SyscallProbe.builder().userUnit("4242:" + name).open(), name);
        }
        Path root = Cgroups.v2Root();
        assertNull(Cgroups.under(root, "/../../etc"));
        assertNull(Cgroups.under(root, "system.slice/../../x"));
        assertEquals(root.resolve("system.slice/x.service"), Cgroups.under(root, "/system.slice/./x.service"));
        assertThrows(ProbeException.class, () -> SyscallProbe.builder().cgroup("/../../etc"));
    }
}
