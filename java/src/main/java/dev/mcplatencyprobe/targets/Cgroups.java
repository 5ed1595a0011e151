package dev.mcplatencyprobe.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * cgroup v2 paths and ids. The id the kernel reports ({@code bpf_get_current_cgroup_id()}) is the
 * inode number of the cgroup's directory; the v2 hierarchy is at /sys/fs/cgroup on systemd hosts
 * and at /sys/fs/cgroup/unified on hybrid ones.
 */
public final class Cgroups {
    private Cgroups() {}

    /** Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo. */
    public static Path v2Root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                // "36 25 0:31 / /sys/fs/cgroup rw,... shared:9 - cgroup2 cgroup2 rw"
                int dash = line.indexOf(" - ");
                if (dash > 0 && line.substring(dash + 3).startsWith("cgroup2 ")) {
                    return Path.of(unescape(line.substring(0, dash).split(" ")[4]));
                }
            }
        } catch (IOException e) {
            throw new TargetException(TargetException.Kind.UNSUPPORTED, "cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        throw new TargetException(TargetException.Kind.UNSUPPORTED,
                "no cgroup v2 hierarchy is mounted: mount it with 'mount -t cgroup2 none /sys/fs/cgroup/unified'");
    }

    /**
     * A cgroup directory from a user's path: absolute under the v2 mount (/sys/fs/cgroup/x.slice),
     * or relative to the v2 root as systemd prints it (/system.slice/foo.service, or without the slash).
     */
    public static Path resolve(String path) {
        Path root = v2Root();
        Path given = Path.of(path);
        Path dir = given.isAbsolute() && given.normalize().startsWith(root) ? given.normalize()
                : root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!dir.startsWith(root)) {
            throw new TargetException(TargetException.Kind.BAD_TARGET, "cgroup " + path + " is outside the cgroup v2 hierarchy at " + root);
        }
        if (!Files.isRegularFile(dir.resolve("cgroup.procs"))) {
            throw new TargetException(TargetException.Kind.BAD_TARGET, "no cgroup v2 directory " + dir
                    + " (the v2 hierarchy is at " + root + "; list cgroups with 'systemd-cgls' or 'ls " + root + "')");
        }
        return dir;
    }

    /**
     * {@code relative} (as systemd or /proc prints it, "/system.slice/x.service") under the v2
     * root, normalised; null when it would leave the root ("..", a path of another mount).
     */
    public static Path under(Path root, String relative) {
        Path dir = root.resolve(relative.replaceFirst("^/+", "")).normalize();
        return dir.startsWith(root) ? dir : null;
    }

    /** The kernel's id of the cgroup at {@code dir}, or empty when it does not exist (a unit between restarts). */
    public static OptionalLong id(Path dir) {
        try {
            return OptionalLong.of(((Number) Files.getAttribute(dir, "unix:ino")).longValue());
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** The v2 cgroup of a process, from /proc/PID/cgroup ("0::/path"). */
    public static Optional<Path> ofProcess(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                if (line.startsWith("0::")) {
                    return Optional.ofNullable(under(v2Root(), line.substring(3)));
                }
            }
        } catch (IOException e) {
            // The process is gone.
        }
        return Optional.empty();
    }

    private static String unescape(String mountinfoField) {
        return mountinfoField.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
