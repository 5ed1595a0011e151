package dev.mcplatencyprobe.binding;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where JNA unpacks its own library and the shim: a new directory only this process's user can
 * enter (0700, random name, created by mkdir, which fails on anything planted there). JNA's default,
 * {@code /tmp/jna-<hash of the user name>}, has a name anyone can predict and create first, and
 * {@code sudo -E} may hand root a {@code jna.tmpdir} the invoking user controls: root would then
 * load libraries that user wrote. {@link #ensure()} runs before any JNA class loads.
 */
final class NativeTempDir {
    private static volatile Path dir;

    private NativeTempDir() {}

    /** Creates the directory once and points {@code jna.tmpdir} at it; removed when the JVM exits. */
    static synchronized Path ensure() {
        if (dir != null) {
            return dir;
        }
        try {
            Path created = createPrivate();
            // Registered first, so deleted last: after the files JNA marks for deletion in it.
            created.toFile().deleteOnExit();
            System.setProperty("jna.tmpdir", created.toString());
            // Never a jnidispatch found on the host's library path or a path from the environment.
            System.setProperty("jna.nosys", "true");
            System.clearProperty("jna.boot.library.path");
            System.clearProperty("jna.library.path"); // the shim comes from this jar only
            dir = created;
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private directory for the native libraries in /tmp", e);
        }
    }

    /**
     * mkdir with a random name, again on a name taken: safe with any random source, since mkdir
     * never reuses what exists. Not Files.createTempDirectory: its SecureRandom costs ~15-40 ms of
     * start-up here, and unpredictable names are not what makes this safe.
     */
    private static Path createPrivate() throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = Path.of("/tmp", "mcp-latency-probe-jna-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()));
            try {
                return Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 100) {
                    throw taken;
                }
            }
        }
    }

    /** For tests: the directory in use, or null before the first native load. */
    static File current() {
        return dir == null ? null : dir.toFile();
    }
}
