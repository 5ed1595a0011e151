package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's one answer to "may the run end when the given PIDs have exited" (nothing is loaded here). */
class OnlyPidsTest {
    @Test
    void pidsAloneWithoutFollowingChildrenAreOnlyPids() {
        assertTrue(SyscallProbe.builder().pid(1).tracesOnlyPids());
        assertTrue(SyscallProbe.builder().pids(List.of(1L, 2L)).followChildren(false).tracesOnlyPids());
    }

    @Test
    void followedChildrenOrAnyOtherTargetAreMoreThanPids() {
        assertFalse(SyscallProbe.builder().tracesOnlyPids(), "no target at all");
        assertFalse(SyscallProbe.builder().pid(1).followChildren(true).tracesOnlyPids());
        assertFalse(SyscallProbe.builder().pid(1).command("dd").tracesOnlyPids());
        assertFalse(SyscallProbe.builder().pid(1).systemdUnit("x.service").tracesOnlyPids());
        assertFalse(SyscallProbe.builder().pid(1).userUnit("x.service").tracesOnlyPids());
        assertFalse(SyscallProbe.builder().pid(1).all().tracesOnlyPids());
        assertFalse(SyscallProbe.builder().pid(1).launch(List.of("true")).tracesOnlyPids());
    }

    @Test
    void everyKindOfTargetIsATarget() {
        assertFalse(SyscallProbe.builder().hasTarget());
        assertTrue(SyscallProbe.builder().pid(1).hasTarget());
        assertTrue(SyscallProbe.builder().command("dd").hasTarget());
        assertTrue(SyscallProbe.builder().systemdUnit("x.service").hasTarget());
        assertTrue(SyscallProbe.builder().userUnit("x.service").hasTarget());
        assertTrue(SyscallProbe.builder().all().hasTarget());
        assertTrue(SyscallProbe.builder().launch(List.of("true")).hasTarget());
    }
}
