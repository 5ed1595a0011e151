package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.targets.Cgroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** PIDs, cgroups and command names select exactly their processes, also when changed at run time. */
@RequiresBpf
class TargetsTest {
    private static final String DD_LOOP = "while :; do dd if=/dev/zero of=/dev/null bs=1 count=200 2>/dev/null; sleep 0.01; done";

    @Test
    void aProcessInATracedCgroupIsTracedAndOneOutsideIsNot() throws Exception {
        Path dir = Cgroups.v2Root().resolve("mlp-test-" + ProcessHandle.current().pid());
        Files.createDirectory(dir);
        Process inside = null;
        Process outside = null;
        try {
            // The shell moves itself into the cgroup, then forks dd processes there.
            inside = Workloads.start("sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + "; " + DD_LOOP);
            outside = Workloads.start("sh", "-c", DD_LOOP);
            awaitMember(dir, inside.pid());
            try (SyscallProbe probe = SyscallProbe.builder().cgroup(dir.toString()).open()) {
                Workloads.Tally tally = collectFor(probe, Duration.ofMillis(500));
                assertTrue(tally.total > 0, "nothing traced in the cgroup");
                assertTrue(tally.count("read") >= 200, "dd reads inside: " + tally.countByNr);
                for (int tgid : tally.tgids) {
                    assertEquals(dir, Cgroups.ofProcess(tgid).orElse(dir), "traced a process outside the cgroup: " + tgid);
                }
                assertFalse(tally.tgids.contains((int) outside.pid()), "the process outside was traced");
            }
        } finally {
            kill(inside);
            kill(outside);
            deleteWhenEmpty(dir);
        }
    }

    @Test
    void aProcessThatJoinsASubCgroupAfterAttachIsTraced() throws Exception {
        Path dir = Cgroups.v2Root().resolve("mlp-test-join-" + ProcessHandle.current().pid());
        Path sub = dir.resolve("worker");
        Files.createDirectory(dir);
        Files.createDirectory(sub);
        Process joiner = null;
        try (SyscallProbe probe = SyscallProbe.builder().cgroup(dir.toString()).open()) {
            joiner = Workloads.start("sh", "-c", "sleep 0.05; echo $$ > " + sub.resolve("cgroup.procs") + "; " + DD_LOOP);
            Workloads.Tally tally = collectFor(probe, Duration.ofMillis(600));
            assertTrue(tally.tgids.contains((int) joiner.pid()), "the shell that moved in is traced: " + tally.tgids);
            assertTrue(tally.count("read") >= 200, "its dd children are traced: " + tally.countByNr);
        } finally {
            kill(joiner);
            deleteWhenEmpty(sub);
            deleteWhenEmpty(dir);
        }
    }

    @Test
    void aRecreatedCgroupIsFollowedLikeARestartedUnit() throws Exception {
        Path dir = Cgroups.v2Root().resolve("mlp-test-restart-" + ProcessHandle.current().pid());
        Files.createDirectory(dir);
        Process after = null;
        try (SyscallProbe probe = SyscallProbe.builder().cgroup(dir.toString()).open()) {
            // The unit stops (its cgroup goes) and starts again (a new cgroup, new id, same path).
            Files.delete(dir);
            Files.createDirectory(dir);
            after = Workloads.start("sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + "; " + DD_LOOP);
            Workloads.Tally tally = collectFor(probe, Duration.ofMillis(1800)); // the probe re-checks the path every second
            assertTrue(tally.tgids.contains((int) after.pid()), "the process in the new cgroup is traced: " + tally.tgids);
        } finally {
            kill(after);
            deleteWhenEmpty(dir);
        }
    }

    @Test
    void aSystemUnitIsFoundByItsCgroupWhenSystemctlCannotAnswer() throws Exception {
        // systemd is not PID 1 on build machines: the unit is found where systemd would put it.
        Path slice = Cgroups.v2Root().resolve("system.slice");
        boolean madeSlice = !Files.exists(slice);
        String unit = "mlp-test-" + ProcessHandle.current().pid();
        Path dir = slice.resolve(unit + ".service");
        Files.createDirectories(dir);
        Process service = null;
        try {
            service = Workloads.start("sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + "; " + DD_LOOP);
            awaitMember(dir, service.pid());
            try (SyscallProbe probe = SyscallProbe.builder().systemdUnit(unit).open()) {
                Workloads.Tally tally = collectFor(probe, Duration.ofMillis(500));
                assertTrue(tally.tgids.contains((int) service.pid()), "the unit's main process is traced: " + tally.tgids);
            }
        } finally {
            kill(service);
            deleteWhenEmpty(dir);
            if (madeSlice) {
                deleteWhenEmpty(slice);
            }
        }
    }

    @Test
    void pidsAddedAndRemovedAtRunTimeStartAndStopBeingTraced() throws Exception {
        Process a = Workloads.start("sh", "-c", "while :; do cat /proc/self/stat >/dev/null; done");
        Process b = Workloads.start("sh", "-c", "while :; do cat /proc/self/stat >/dev/null; done");
        try (SyscallProbe probe = SyscallProbe.builder().pid(a.pid()).followChildren(true).open()) {
            Workloads.Tally first = collectFor(probe, Duration.ofMillis(300));
            assertTrue(first.tgids.contains((int) a.pid()), "a is traced");
            assertFalse(first.tgids.contains((int) b.pid()), "b is not traced yet");

            probe.addPid(b.pid());
            probe.removePid(a.pid());
            collectFor(probe, Duration.ofMillis(100)); // a's syscalls in flight when it was removed
            Workloads.Tally second = collectFor(probe, Duration.ofMillis(300));
            assertTrue(second.tgids.contains((int) b.pid()), "b is traced after addPid");
            assertFalse(second.tgids.contains((int) a.pid()), "a is not traced after removePid");
        } finally {
            kill(a);
            kill(b);
        }
    }

    @Test
    void aCommandNameSelectsItsProcessesAfterTheyExecIntoIt() throws Exception {
        Process loop = Workloads.start("sh", "-c", DD_LOOP);
        try (SyscallProbe probe = SyscallProbe.builder().command("dd").open()) {
            Workloads.Tally tally = collectFor(probe, Duration.ofMillis(500));
            assertTrue(tally.count("read") >= 200, "dd processes forked by the shell and exec'ed: " + tally.countByNr);
            assertFalse(tally.tgids.contains((int) loop.pid()), "the shell (comm sh) is not traced");
        } finally {
            kill(loop);
        }
    }

    @Test
    void removingOneProcessKeepsTheSyscallsOtherProcessesHaveInFlight() throws Exception {
        // Sleeps of a quarter second are in flight most of the time: each removal of another PID hits some.
        Process other = Workloads.start("sh", "-c", "while :; do cat /proc/self/stat >/dev/null; done");
        Process sleeper = null;
        try (SyscallProbe probe = SyscallProbe.builder()
                .launch(java.util.List.of("sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 0.25; done")).open()) {
            sleeper = probe.launched().orElseThrow().process();
            Workloads.Tally tally = new Workloads.Tally();
            EventBatch batch = EventBatch.allocate(4096);
            while (sleeper.isAlive()) {
                probe.addPid(other.pid());
                probe.poll(batch, Duration.ofMillis(20));
                tally.add(batch);
                probe.removePid(other.pid());
                probe.poll(batch, Duration.ofMillis(20));
                tally.add(batch);
            }
            while (probe.poll(batch, Duration.ofMillis(20)) > 0) {
                tally.add(batch);
            }
            assertEquals(8, tally.latencies("clock_nanosleep").stream().filter(ns -> ns >= 250_000_000L).count(),
                    "every sleep of the untouched process: " + tally.latencies("clock_nanosleep"));
            // (The re-added process has exits without entry: syscalls it began while it was not traced.)
        } finally {
            kill(sleeper);
            kill(other);
        }
    }

    @Test
    void aThreadIdIsRejectedWithItsProcess() throws Exception {
        long self = ProcessHandle.current().pid();
        long tid;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            tid = tasks.map(t -> Long.parseLong(t.getFileName().toString())).filter(t -> t != self).findFirst().orElseThrow();
        }
        ProbeException e = assertThrows(ProbeException.class, () -> SyscallProbe.builder().pid(tid).open());
        assertEquals(ProbeException.Kind.BAD_TARGET, e.kind());
        assertTrue(e.getMessage().contains(tid + " is a thread of process " + self), e.getMessage());
    }

    @Test
    void badTargetsAreRejectedBeforeAnythingIsLoaded() {
        ProbeException noPid = assertThrows(ProbeException.class, () -> SyscallProbe.builder().pid(999_999_999).open());
        assertEquals(ProbeException.Kind.BAD_TARGET, noPid.kind());
        assertTrue(noPid.getMessage().contains("999999999"), noPid.getMessage());
        ProbeException noCgroup = assertThrows(ProbeException.class, () -> SyscallProbe.builder().cgroup("/no/such/cgroup"));
        assertEquals(ProbeException.Kind.BAD_TARGET, noCgroup.kind());
        ProbeException noUnit = assertThrows(ProbeException.class,
                () -> SyscallProbe.builder().systemdUnit("no-such-unit-" + System.nanoTime()).open());
        assertEquals(ProbeException.Kind.BAD_TARGET, noUnit.kind());
        ProbeException noCommand = assertThrows(ProbeException.class,
                () -> SyscallProbe.builder().launch(java.util.List.of("no-such-command-xyz")).open());
        assertTrue(noCommand.getMessage().contains("not found"), noCommand.getMessage());
        assertThrows(IllegalStateException.class, () -> SyscallProbe.builder().open());
    }

    static Workloads.Tally collectFor(SyscallProbe probe, Duration duration) {
        Workloads.Tally tally = new Workloads.Tally();
        EventBatch batch = EventBatch.allocate(4096);
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            probe.poll(batch, Duration.ofMillis(10));
            tally.add(batch);
        }
        return tally;
    }

    private static void awaitMember(Path cgroup, long pid) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Files.readString(cgroup.resolve("cgroup.procs")).lines().anyMatch(l -> l.equals(Long.toString(pid)))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(pid + " never joined " + cgroup);
    }

    private static void kill(Process p) throws InterruptedException {
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private static void deleteWhenEmpty(Path dir) throws Exception {
        for (int i = 0; i < 500 && Files.exists(dir); i++) {
            try {
                Files.delete(dir);
            } catch (java.io.IOException busy) {
                Thread.sleep(10); // processes still exiting
            }
        }
    }
}
