package dev.mcplatencyprobe.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockingWaitsTest {
    private static final Syscalls X86_64 = Syscalls.forArch("x86_64");
    private static final Syscalls AARCH64 = Syscalls.forArch("aarch64");

    @ParameterizedTest
    @ValueSource(strings = {"futex", "futex_waitv", "epoll_wait", "epoll_pwait", "epoll_pwait2", "poll", "ppoll",
        "select", "pselect6", "nanosleep", "clock_nanosleep", "pause", "rt_sigsuspend", "rt_sigtimedwait", "wait4",
        "waitid", "accept", "accept4", "io_getevents", "io_pgetevents", "io_uring_enter", "msgrcv", "semop",
        "semtimedop", "mq_timedreceive", "restart_syscall"})
    void waitsOnX86_64AreBlockingWaits(String name) {
        assertTrue(X86_64.isBlockingWait(X86_64.number(name).getAsInt()), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"read", "write", "recvfrom", "recvmsg", "sendto", "openat", "fsync", "mmap", "epoll_ctl",
        "futex_wake", "io_submit", "connect"})
    void callsWhoseCostIsWorkOrDependsOnTheFdAreNot(String name) {
        X86_64.number(name).ifPresent(nr -> assertFalse(X86_64.isBlockingWait(nr), name));
        AARCH64.number(name).ifPresent(nr -> assertFalse(AARCH64.isBlockingWait(nr), name));
    }

    @Test
    void numbersOutsideTheTableAreNotWaits() {
        assertFalse(X86_64.isBlockingWait(-1));
        assertFalse(X86_64.isBlockingWait(1 << 20));
    }

    @Test
    void eachArchitectureResolvesTheNamesItHas() {
        assertEquals(202, X86_64.number("futex").getAsInt());
        assertTrue(X86_64.isBlockingWait(202));
        assertEquals(98, AARCH64.number("futex").getAsInt());
        assertTrue(AARCH64.isBlockingWait(98));
        assertFalse(AARCH64.isBlockingWait(7), "7 is poll on x86_64, fsetxattr on aarch64");
        List<String> arm = AARCH64.blockingWaitNames();
        assertFalse(arm.contains("epoll_wait"), "aarch64 has only epoll_pwait");
        assertTrue(arm.contains("epoll_pwait"));
        assertTrue(X86_64.blockingWaitNames().containsAll(arm));
        for (String name : X86_64.blockingWaitNames()) {
            assertTrue(Syscalls.BLOCKING_WAITS.contains(name), name);
        }
    }
}
