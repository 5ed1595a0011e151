package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The kind of a shim failure comes from its errno, whatever its message says. */
class ShimErrorsTest {
    @Test
    void permissionErrorsAreMissingPrivilegesAtEveryStep() {
        for (boolean loading : new boolean[] {true, false}) {
            assertEquals(ProbeException.Kind.PRIVILEGES, ShimErrors.kindOf(-ShimErrors.EPERM, loading));
            assertEquals(ProbeException.Kind.PRIVILEGES, ShimErrors.kindOf(-ShimErrors.EACCES, loading));
        }
    }

    @Test
    void aKernelThatCannotLoadTheProgramIsUnsupported() {
        for (int errno : new int[] {ShimErrors.ENOENT, ShimErrors.EXDEV, ShimErrors.EINVAL, ShimErrors.ENOSYS, ShimErrors.EOPNOTSUPP}) {
            assertEquals(ProbeException.Kind.UNSUPPORTED, ShimErrors.kindOf(-errno, true), "errno " + errno);
        }
    }

    @Test
    void otherErrorsAndErrorsAfterLoadingAreFailures() {
        assertEquals(ProbeException.Kind.FAILED, ShimErrors.kindOf(-12 /* ENOMEM */, true));
        assertEquals(ProbeException.Kind.FAILED, ShimErrors.kindOf(-ShimErrors.EINVAL, false));
        assertEquals(ProbeException.Kind.FAILED, ShimErrors.kindOf(-9 /* EBADF */, false));
    }

    @Test
    void theMessageIsShownButDoesNotDecide() {
        ProbeException e = ShimErrors.failure(-12, true, "loading the probe", "needs CAP_BPF and BTF, says the text");
        assertEquals(ProbeException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().equals("loading the probe failed: needs CAP_BPF and BTF, says the text"), e.getMessage());
    }

    @Test
    void aPermissionFailureCarriesTheOnePrivilegeHint() {
        ProbeException e = ShimErrors.failure(-ShimErrors.EPERM, true, "loading the probe", "loading the BPF program: permission denied");
        assertEquals("loading the probe failed: loading the BPF program: permission denied; " + Privileges.NEEDS, e.getMessage());
        assertTrue(e.getMessage().contains("AmbientCapabilities=CAP_BPF CAP_PERFMON"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }
}
