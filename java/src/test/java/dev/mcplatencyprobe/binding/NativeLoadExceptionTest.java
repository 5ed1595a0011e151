package dev.mcplatencyprobe.binding;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A missing system library is reported as the package to install, not as a linker message. */
class NativeLoadExceptionTest {
    @Test
    void missingLibbpfSaysWhichPackageToInstall() {
        String message = NativeLoadException.explain(new UnsatisfiedLinkError(
                "Unable to load library 'mcp-latency-probe': libbpf.so.1: cannot open shared object file: No such file or directory")).getMessage();
        assertTrue(message.contains("apt-get install libbpf1"), message);
        assertTrue(message.lines().count() == 1, message);
    }

    @Test
    void missingLibelfSaysWhichPackageToInstall() {
        String message = NativeLoadException.explain(new UnsatisfiedLinkError("libelf.so.1: cannot open shared object file")).getMessage();
        assertTrue(message.contains("libelf1"), message);
    }
}
