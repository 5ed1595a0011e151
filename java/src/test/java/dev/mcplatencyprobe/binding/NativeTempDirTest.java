package dev.mcplatencyprobe.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** JNA unpacks the native libraries into a directory only this process's user can enter, never a predictable one. */
class NativeTempDirTest {
    @Test
    void nativeLibrariesComeFromAPrivateDirectory() throws Exception {
        Shim.load();
        Path dir = Path.of(System.getProperty("jna.tmpdir"));
        assertNotNull(NativeTempDir.current());
        assertEquals(NativeTempDir.current().toPath(), dir);
        assertTrue(dir.getFileName().toString().startsWith("mcp-latency-probe-jna-"), dir.toString());
        assertTrue(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertEquals(self, (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }
}
