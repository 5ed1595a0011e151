package dev.mcplatencyprobe.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The native libraries' cache: unpacked once, into directories and files only root or this user
 * can write, and never used when anything in the way could have been planted or swapped.
 */
class NativeCacheTest {
    /**
     * In the system's temporary directory (sticky and root's, as /tmp is): not under the checkout, which
     * may belong to another user than the one running the tests (sudo make test in a user's checkout).
     */
    private Path base;
    private List<NativeCache.Library> libraries;

    @BeforeEach
    void setUp() throws IOException {
        Path scratch = Files.createTempDirectory("native-cache-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        base = scratch.resolve("cache");
        URL dispatch = getClass().getClassLoader().getResource("com/sun/jna/linux-x86-64/libjnidispatch.so");
        URL shim = getClass().getClassLoader().getResource("linux-x86-64/libmcp-latency-probe.so");
        assertNotNull(dispatch, "JNA's dispatch library on the class path");
        assertNotNull(shim, "the shim on the class path");
        libraries = List.of(new NativeCache.Library("libjnidispatch.so", dispatch), new NativeCache.Library("libmcp-latency-probe.so", shim));
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> all = Files.walk(base.getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void unpacksOnceIntoPrivateFilesNamedAfterTheContents() throws Exception {
        Path dir = NativeCache.prepare(base, libraries);
        assertEquals(base, dir.getParent());
        assertEquals(NativeCache.contentKey(libraries.get(0).resource()) + "-" + NativeCache.contentKey(libraries.get(1).resource()),
                dir.getFileName().toString());
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        for (Path p : List.of(base, dir)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)), p.toString());
            assertEquals(self, (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        }
        for (NativeCache.Library lib : libraries) {
            Path file = dir.resolve(lib.fileName());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
            try (var in = lib.resource().openStream()) {
                assertTrue(java.util.Arrays.equals(in.readAllBytes(), Files.readAllBytes(file)), file + " holds the resource's bytes");
            }
        }
        // The second run writes nothing: the same files, untouched; no temporary file left behind.
        Path shim = dir.resolve("libmcp-latency-probe.so");
        Files.setLastModifiedTime(shim, FileTime.fromMillis(0));
        assertEquals(dir, NativeCache.prepare(base, libraries));
        assertEquals(0, Files.getLastModifiedTime(shim).toMillis());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void aCacheOthersCanWriteIsNotUsed() throws Exception {
        Files.createDirectory(base, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> NativeCache.prepare(base, libraries));
        assertTrue(e.getMessage().contains("writable by others"), e.getMessage());
        try (Stream<Path> files = Files.list(base)) {
            assertTrue(files.allMatch(p -> !p.getFileName().toString().endsWith(".so")), "nothing unpacked into it");
        }
    }

    @Test
    void aParentOthersCanWriteMakesTheCacheUnusable() throws Exception {
        Files.setPosixFilePermissions(base.getParent(), PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThrows(IOException.class, () -> NativeCache.prepare(base, libraries));
    }

    @Test
    void aStickyDirectoryAboveTheCacheIsNoReasonToRefuseIt() throws Exception {
        // Where a checkout may live, e.g. below /tmp: others can write there but not swap our entries.
        Files.setPosixFilePermissions(base.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(base.getParent(), "unix:mode", 01777);
        Path dir = NativeCache.prepare(base, libraries);
        assertEquals(base, dir.getParent());
        Files.setAttribute(base.getParent(), "unix:mode", 0777); // the same without the sticky bit
        assertThrows(IOException.class, () -> NativeCache.prepare(base, libraries));
    }

    @Test
    void aSymlinkPlantedAsTheVersionDirectoryIsNotFollowed() throws Exception {
        Files.createDirectory(base, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path elsewhere = Files.createDirectory(base.getParent().resolve("elsewhere"));
        String key = NativeCache.contentKey(libraries.get(0).resource()) + "-" + NativeCache.contentKey(libraries.get(1).resource());
        Files.createSymbolicLink(base.resolve(key), elsewhere);
        IOException e = assertThrows(IOException.class, () -> NativeCache.prepare(base, libraries));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertEquals(0, files.count(), "nothing written through the link");
        }
    }

    @Test
    void aPlantedLibraryOthersCanWriteIsRefused() throws Exception {
        Path dir = NativeCache.prepare(base, libraries);
        Path shim = dir.resolve("libmcp-latency-probe.so");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rw-rw-rw-"));
        IOException e = assertThrows(IOException.class, () -> NativeCache.prepare(base, libraries));
        assertTrue(e.getMessage().contains(shim.toString()), e.getMessage());
    }

    @Test
    void aSymlinkPlantedAsALibraryIsRefused() throws Exception {
        Path dir = NativeCache.prepare(base, libraries);
        Path shim = dir.resolve("libmcp-latency-probe.so");
        Path other = base.getParent().resolve("other.so");
        Files.copy(shim, other);
        Files.delete(shim);
        Files.createSymbolicLink(shim, other);
        IOException e = assertThrows(IOException.class, () -> NativeCache.prepare(base, libraries));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aLibraryOfAnotherUserIsRefused() throws Exception {
        assumeTrue(NativeCache.effectiveUid() == 0, "needs root to give a file to another user");
        Path dir = NativeCache.prepare(base, libraries);
        Path shim = dir.resolve("libmcp-latency-probe.so");
        Files.setAttribute(shim, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        IOException e = assertThrows(IOException.class, () -> NativeCache.prepare(base, libraries));
        assertTrue(e.getMessage().contains("uid 65534"), e.getMessage());
    }

    @Test
    void theKeyOfAJarEntryIsTheCrcAndSizeOfItsBytes() throws Exception {
        URL inJar = libraries.get(0).resource();
        assertEquals("jar", inJar.getProtocol(), "JNA's dispatch library comes from JNA's jar");
        Path copy = base.getParent().resolve("copy.so");
        try (var in = inJar.openStream()) {
            Files.copy(in, copy);
        }
        assertEquals(NativeCache.contentKey(copy.toUri().toURL()), NativeCache.contentKey(inJar));
        Files.write(copy, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        assertFalse(NativeCache.contentKey(copy.toUri().toURL()).equals(NativeCache.contentKey(inJar)));
    }

    @Test
    void theShimIsLoadedFromTheCacheOrThisRunsPrivateDirectory() {
        Shim.load();
        Path dir = Path.of(System.getProperty("jna.boot.library.path"));
        Path cache = NativeCache.defaultBase();
        Path privateTmp = NativeTempDir.current().toPath();
        assertTrue((cache != null && dir.getParent().equals(cache)) || dir.equals(privateTmp), dir.toString());
        // JNA loaded its dispatch library from there, not from a copy it unpacked itself.
        assertEquals(dir.resolve("libjnidispatch.so").toString(), System.getProperty("jnidispatch.path"));
        assertEquals("", System.getProperty("jna.platform.library.path"), "no ldconfig child at start-up");
    }
}
