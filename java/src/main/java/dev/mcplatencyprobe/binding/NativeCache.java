package dev.mcplatencyprobe.binding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.io.UncheckedIOException;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The native libraries (JNA's {@code libjnidispatch.so} and the shim) unpacked once into a directory
 * named after their contents, instead of into a new temporary directory on every run: unpacking
 * and writing them cost tens of milliseconds of every start-up.
 *
 * <p>A library is only ever loaded from a path no other user can write or swap: the cache is
 * {@code /var/cache/mcp-latency-probe/native}, used by root only ({@link #defaultBase()}); that directory, each
 * directory above it, and every file in it must belong to root or to this process's effective user
 * and be writable by no one else, or the cache is not used. Files are written under a temporary
 * name and renamed, so a name in the cache is always a complete file. The key is each library's
 * CRC-32 and size, read from the jar's directory without unpacking: the cache's safety comes from
 * who can write it, the key only tells builds apart. A build whose libraries differ gets a new
 * directory (~300 KB); old ones stay until someone deletes them.
 */
final class NativeCache {
    static final String ROOT_CACHE = "/var/cache/mcp-latency-probe/native";
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final int UNKNOWN_UID = -1;
    static final String SHIM_FILE = "libmcp-latency-probe.so";

    /** One library to place: its file name in the directory and where it is on the class path. */
    record Library(String fileName, URL resource) {}

    private NativeCache() {}

    /**
     * The cache directory, for root only; null for any other user. A process running as a user with
     * CAP_BPF and CAP_PERFMON would otherwise load code from a directory every other process of that
     * user (holding no capabilities) can write ahead of time: a way up to the capabilities. Such a run
     * unpacks into its own fresh 0700 directory, as every run did before.
     */
    static Path defaultBase() {
        return effectiveUid() == 0 ? Path.of(ROOT_CACHE) : null;
    }

    /**
     * The directory under {@code base} holding every library in {@code libraries}, unpacked there
     * now if missing; throws when {@code base} cannot be trusted or written (the caller then unpacks
     * into a private temporary directory instead).
     */
    static Path prepare(Path base, List<Library> libraries) throws IOException {
        int euid = effectiveUid();
        StringBuilder key = new StringBuilder();
        for (Library lib : libraries) {
            key.append(key.length() == 0 ? "" : "-").append(contentKey(lib.resource()));
        }
        Path dir = base.resolve(key.toString());
        ensurePrivateDir(base, euid);
        ensurePrivateDir(dir, euid);
        for (Library lib : libraries) {
            Path file = dir.resolve(lib.fileName());
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                unpack(lib.resource(), dir, file);
            }
            requireTrusted(file, euid, false);
        }
        return dir;
    }

    /** Unpacks every library into {@code dir} (a fresh private directory), marked for deletion at exit. */
    static void unpackInto(Path dir, List<Library> libraries) throws IOException {
        for (Library lib : libraries) {
            Path file = dir.resolve(lib.fileName());
            unpack(lib.resource(), dir, file);
            file.toFile().deleteOnExit();
        }
    }

    /**
     * {@code entry} in the jar {@code owner} was loaded from, or null if it has none; looked up in
     * that jar directly: ClassLoader.getResource would first search the JDK's module image, whose
     * reader costs ~10 ms to open on the start path.
     */
    private static URL resource(Class<?> owner, String entry) {
        try {
            URL location = owner.getProtectionDomain().getCodeSource().getLocation();
            if ("file".equals(location.getProtocol()) && location.getPath().endsWith(".jar")) {
                try (ZipFile jar = new ZipFile(new File(location.toURI()))) { // shares the class loader's open jar
                    return jar.getEntry(entry) == null ? null : new URL("jar:" + location + "!/" + entry);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // Not from a plain jar (a class directory in tests): the class loader finds it.
        }
        return owner.getClassLoader().getResource(entry);
    }

    /** CRC-32 and size of a class-path resource, as hex: from the jar's directory when it is in one. */
    static String contentKey(URL resource) throws IOException {
        String spec = resource.getPath(); // jar:file:/x.jar!/entry -> file:/x.jar!/entry
        int bang = spec.indexOf("!/");
        if ("jar".equals(resource.getProtocol()) && spec.startsWith("file:") && bang > 0) {
            try (ZipFile jar = new ZipFile(new File(URI.create(spec.substring(0, bang))))) {
                ZipEntry entry = jar.getEntry(spec.substring(bang + 2));
                if (entry != null && entry.getCrc() != -1 && entry.getSize() != -1) {
                    return Long.toHexString(entry.getCrc()) + "." + Long.toHexString(entry.getSize());
                }
            }
        }
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = resource.openStream()) {
            byte[] buf = new byte[64 << 10];
            for (int n; (n = in.read(buf)) > 0; size += n) {
                crc.update(buf, 0, n);
            }
        }
        return Long.toHexString(crc.getValue()) + "." + Long.toHexString(size);
    }

    private static void unpack(URL resource, Path dir, Path file) throws IOException {
        // A name only this process uses, in a directory only this user can write: then one rename.
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try (InputStream in = resource.openStream();
                OutputStream out = Channels.newOutputStream(Files.newByteChannel(tmp,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))))) {
            in.transferTo(out);
            out.close();
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another probe placed the same contents first: its file is as good as ours.
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code dir} as 0700 if missing; then it and every directory above it must be trusted. */
    private static void ensurePrivateDir(Path dir, int euid) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
                ensurePrivateDir(parent, euid);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // Made meanwhile by another probe of ours (or planted): checked below either way.
            }
        }
        requireTrusted(dir, euid, true);
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            if (!isStickyOf(p, euid)) {
                requireTrusted(p, euid, true);
            }
        }
    }

    /**
     * A directory above the cache that others may write but not swap what is in it: root's or this
     * user's with the sticky bit (as /tmp), where no one else can rename or remove our entries.
     */
    private static boolean isStickyOf(Path p, int euid) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        boolean directory = (mode & 0170000) == 0040000;
        return directory && (mode & 01000) != 0 && (owner == 0 || owner == euid);
    }

    /** Root's or this user's, no symlink, writable by no group and no other user; else IOException. */
    private static void requireTrusted(Path p, int euid, boolean directory) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (directory ? !a.isDirectory() : !a.isRegularFile()) {
            throw new IOException(p + " is not a " + (directory ? "directory" : "regular file"));
        }
        if (owner != 0 && owner != euid) {
            throw new IOException(p + " belongs to uid " + owner + ", not to root or uid " + euid);
        }
        for (PosixFilePermission perm : OTHERS_WRITE) {
            if (a.permissions().contains(perm)) {
                throw new IOException(p + " is writable by others (" + PosixFilePermissions.toString(a.permissions()) + ")");
            }
        }
    }

    /** The effective uid, from /proc (JNA is not loaded yet when this runs); -1 if unknown. */
    static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) { // real, effective, saved, fs; tab-separated (no regex on the start path)
                    String[] ids = line.substring(4).trim().split("\t");
                    return Integer.parseInt(ids[1].trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc: no cache.
        }
        return UNKNOWN_UID;
    }

    /**
     * Places JNA's dispatch library and the shim in the cache (or, when it cannot be trusted or
     * written, in this run's private temporary directory) and points JNA at it; returns the
     * shim's absolute path, or null when the jar does not carry both (then JNA finds them itself).
     */
    static synchronized Path placeForJna() {
        StartupMarks.mark("jna_placing");
        Path privateTmp = NativeTempDir.ensure();
        StartupMarks.mark("private_tmp");
        URL dispatch = resource(com.sun.jna.Native.class, "com/sun/jna/" + jnaPlatformPrefix() + "/libjnidispatch.so");
        URL shim = resource(NativeCache.class, jnaPlatformPrefix() + "/" + SHIM_FILE);
        if (dispatch == null || shim == null) {
            return null;
        }
        List<Library> libs = List.of(new Library("libjnidispatch.so", dispatch), new Library(SHIM_FILE, shim));
        Path dir;
        try {
            Path base = defaultBase();
            if (base == null) {
                throw new IOException("not root: no shared cache");
            }
            dir = prepare(base, libs);
            StartupMarks.mark("natives_cached");
        } catch (IOException | RuntimeException untrusted) {
            try {
                unpackInto(privateTmp, libs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the native libraries into " + privateTmp, e);
            }
            dir = privateTmp;
            StartupMarks.mark("natives_unpacked");
        }
        // JNA loads its dispatch library from here, and nowhere else: checked first, before unpacking.
        System.setProperty("jna.boot.library.path", dir.toString());
        // No "ldconfig -p" child process at start-up (JNA's default search path on Linux): the shim
        // is loaded by absolute path, and libc by JNA's own rule for "c".
        System.setProperty("jna.platform.library.path", "");
        return dir.resolve(SHIM_FILE);
    }

    /** JNA's resource folder for this platform (its Platform.RESOURCE_PREFIX, without loading JNA). */
    private static String jnaPlatformPrefix() {
        String arch = System.getProperty("os.arch");
        return "linux-" + ("amd64".equals(arch) || "x86_64".equals(arch) ? "x86-64" : arch);
    }
}
