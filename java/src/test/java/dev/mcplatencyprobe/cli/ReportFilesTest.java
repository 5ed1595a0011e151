package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Report files in a directory others can write to: nothing planted there is followed or replaced. */
class ReportFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aPlantedSymlinkIsNotFollowedAndTheReportGetsAnotherName() throws IOException {
        Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
        Path dir = Files.createDirectory(tmp.resolve("reports"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(dir.resolve("report.txt"), victim);
        Files.createSymbolicLink(dir.resolve("report-1.txt"), tmp.resolve("does-not-exist")); // dangling: still not replaced

        Path written = ReportFiles.write(dir, "report", "txt", "the report\n");

        assertEquals(dir.resolve("report-2.txt"), written);
        assertEquals("the report\n", Files.readString(written));
        assertFalse(Files.isSymbolicLink(written));
        assertEquals("precious\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(dir.resolve("report.txt")));
        assertFalse(Files.exists(tmp.resolve("does-not-exist")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void twoReportsWithTheSameNameBothSurvive() throws IOException {
        Path first = ReportFiles.write(tmp, "same", "json", "1");
        Path second = ReportFiles.write(tmp, "same", "json", out -> out.write('2'));
        assertEquals("1", Files.readString(first));
        assertEquals("2", Files.readString(second));
        assertEquals("same-1", ReportFiles.baseOf(second, "json"));
    }

    @Test
    void directoriesAreCreatedWithoutFollowingAForeignSymlink() throws IOException {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(tmp.resolve("out"), elsewhere);
        Files.setAttribute(link, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS); // planted by another user
        IOException refused = assertThrows(IOException.class, () -> ReportFiles.write(link.resolve("sub"), "r", "txt", "x"));
        assertTrue(refused.getMessage().contains("symlink owned by uid 65534"), refused.getMessage());
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertEquals(0, files.count());
        }
        Path created = ReportFiles.createDirectories(tmp.resolve("a/b/c"));
        assertTrue(Files.isDirectory(created));
        assertThrows(IOException.class, () -> ReportFiles.createDirectories(Files.writeString(tmp.resolve("file"), "")));
    }

    @Test
    void namesThatCouldLeaveTheDirectoryAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReportFiles.write(tmp, "../up", "txt", "x"));
        assertThrows(IllegalArgumentException.class, () -> ReportFiles.write(tmp, ".hidden", "txt", "x"));
        assertThrows(IllegalArgumentException.class, () -> ReportFiles.write(tmp, "ok", "t/xt", "x"));
    }
}
