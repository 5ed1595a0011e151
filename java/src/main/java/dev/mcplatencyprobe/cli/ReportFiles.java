package dev.mcplatencyprobe.cli;

import dev.mcplatencyprobe.targets.InvokingUser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes report files safely when the probe runs as root in a directory others can write to.
 * The one way the project writes a report file (text, JSON, and any format added later):
 *
 * <ul>
 *   <li>the content goes to a new temporary file, created with {@code O_CREAT|O_EXCL|O_NOFOLLOW}
 *       semantics ({@code CREATE_NEW} + {@code NOFOLLOW_LINKS}): a planted symlink or file is never
 *       opened;</li>
 *   <li>it is then linked under its final name, which fails instead of replacing anything: a name
 *       that exists (a planted symlink, an earlier run in the same second) gets a suffix,
 *       {@code base-1.txt}, {@code base-2.txt}, ...;</li>
 *   <li>missing directories are created one by one with {@code mkdir}, which never follows a
 *       symlink; an existing directory on the way that is a symlink is followed only when root or
 *       this process's user owns it;</li>
 *   <li>run through sudo as root, what it creates is handed to {@code SUDO_UID:SUDO_GID}, so the
 *       user who asked for the report owns it.</li>
 * </ul>
 *
 * <pre>{@code
 * Path txt = ReportFiles.write(dir, "ebpf_mcp_latency_20261201_120000", "txt", text);
 * }</pre>
 */
public final class ReportFiles {
    /** Suffixes tried after the plain name before giving up. */
    static final int MAX_SUFFIX = 999;
    private static final Pattern SAFE_PART = Pattern.compile("[A-Za-z0-9._-]+");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Produces a file's content. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private ReportFiles() {}

    /** Writes {@code content} (UTF-8) as {@code dir/base.ext}, or {@code dir/base-N.ext}; returns the path written. */
    public static Path write(Path dir, String base, String extension, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return write(dir, base, extension, out -> out.write(bytes));
    }

    /** Writes what {@code writer} produces as {@code dir/base.ext}, or {@code dir/base-N.ext}; returns the path written. */
    public static Path write(Path dir, String base, String extension, ContentWriter writer) throws IOException {
        if (!SAFE_PART.matcher(base).matches() || !SAFE_PART.matcher(extension).matches() || base.startsWith(".")) {
            throw new IllegalArgumentException("report file names are letters, digits, '.', '_' and '-': " + base + "." + extension);
        }
        Path directory = createDirectories(dir);
        Path temp = directory.resolve("." + base + "." + HexFormat.of().formatHex(randomBytes()) + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                writer.writeTo(out);
            }
            handToInvokingUser(temp);
            for (int n = 0; n <= MAX_SUFFIX; n++) {
                Path target = directory.resolve(base + (n == 0 ? "" : "-" + n) + "." + extension);
                try {
                    // link(2) fails on any existing name, a dangling symlink included: nothing is replaced.
                    Files.createLink(target, temp);
                    return target;
                } catch (FileAlreadyExistsException taken) {
                    // Try the next suffix.
                }
            }
            throw new IOException("no free name for " + base + "." + extension + " in " + directory + " (tried "
                    + MAX_SUFFIX + " suffixes)");
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The name {@link #write} chose without its extension: to give a twin file (.json next to .txt) the same base. */
    public static String baseOf(Path written, String extension) {
        String name = written.getFileName().toString();
        return name.endsWith("." + extension) ? name.substring(0, name.length() - extension.length() - 1) : name;
    }

    /**
     * Creates {@code dir} and its missing parents without following symlinks (each by {@code mkdir},
     * handed to the sudo user), and returns it as an absolute path. Existing symlinks on the way are
     * followed only when owned by root or by this process's user.
     *
     * @throws IOException when a component is not a directory, or is a symlink somebody else owns
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        Path at = absolute.getRoot();
        for (Path part : absolute) {
            at = at.resolve(part);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException missing) {
                try {
                    Files.createDirectory(at); // mkdir(2): fails on an existing name, never follows it
                    handToInvokingUser(at);
                    continue;
                } catch (FileAlreadyExistsException raced) {
                    attrs = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                }
            }
            if (attrs.isSymbolicLink()) {
                int owner = (Integer) Files.getAttribute(at, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (owner != 0 && owner != InvokingUser.effectiveUid()) {
                    throw new IOException(at + " is a symlink owned by uid " + owner + ": not followed for a report");
                }
                if (!Files.isDirectory(at)) {
                    throw new IOException(at + " is not a directory");
                }
            } else if (!attrs.isDirectory()) {
                throw new IOException(at + " is not a directory");
            }
        }
        return absolute;
    }

    /** Run as root through sudo: {@code path} (just created by us, not a symlink) goes to SUDO_UID:SUDO_GID. */
    private static void handToInvokingUser(Path path) throws IOException {
        Optional<InvokingUser> user = InvokingUser.fromSudo();
        if (user.isPresent()) {
            user.get().own(path);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
