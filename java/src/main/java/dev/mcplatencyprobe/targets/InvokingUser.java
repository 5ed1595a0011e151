package dev.mcplatencyprobe.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The user who ran the probe through sudo ({@code SUDO_UID}, {@code SUDO_GID}, {@code SUDO_USER}):
 * what the probe starts runs as this user, and the files it creates belong to them. The one place
 * that reads those variables.
 *
 * @param uid  SUDO_UID
 * @param gid  SUDO_GID
 * @param name SUDO_USER, or null when unset
 */
public record InvokingUser(int uid, int gid, String name) {

    /** The sudo user when this process runs as root through sudo and the ids are plain numbers; else empty. */
    public static Optional<InvokingUser> fromSudo() {
        OptionalInt uid = envId("SUDO_UID");
        OptionalInt gid = envId("SUDO_GID");
        if (effectiveUid() != 0 || uid.isEmpty() || gid.isEmpty() || uid.getAsInt() == 0) {
            return Optional.empty();
        }
        String name = System.getenv("SUDO_USER");
        return Optional.of(new InvokingUser(uid.getAsInt(), gid.getAsInt(),
                name != null && name.matches("[A-Za-z0-9._][A-Za-z0-9._-]{0,31}") ? name : null));
    }

    /** This process's effective uid, from the owner of /proc/self (no native call needed); -1 if unknown. */
    public static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /**
     * The words that start a command as this user, before the command itself: {@code setpriv} with
     * the user's ids and supplementary groups (none when the uid has no passwd entry).
     */
    public java.util.List<String> commandPrefix() {
        Path setpriv = Path.of("/usr/bin/setpriv");
        if (!Files.isExecutable(setpriv)) {
            throw new TargetException(TargetException.Kind.UNSUPPORTED, "cannot start commands as uid " + uid
                    + ": /usr/bin/setpriv (util-linux) is missing; install it, or pass --as-root to run them as root");
        }
        return java.util.List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid,
                passwdName().isPresent() ? "--init-groups" : "--clear-groups", "--");
    }

    /** HOME, USER and LOGNAME of this user, where the passwd database has them. */
    public void applyEnvironment(java.util.Map<String, String> env) {
        home().ifPresent(h -> env.put("HOME", h));
        passwdName().ifPresent(n -> {
            env.put("USER", n);
            env.put("LOGNAME", n);
        });
    }

    /** Hands a file or directory this process just created to the user (not following a symlink). */
    public void own(Path path) throws IOException {
        Files.setAttribute(path, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** The user's home directory from the passwd database, if the uid has an entry. */
    public Optional<String> home() {
        return passwdField(5);
    }

    /** The user's name from the passwd database (SUDO_USER is only a hint), if the uid has an entry. */
    public Optional<String> passwdName() {
        return passwdField(0);
    }

    private Optional<String> passwdField(int field) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[2].equals(Integer.toString(uid))) {
                    return Optional.of(f[field]);
                }
            }
        } catch (IOException e) {
            // No passwd file: no name, no home.
        }
        return Optional.empty();
    }

    private static OptionalInt envId(String variable) {
        String value = System.getenv(variable);
        if (value == null || !value.matches("\\d{1,10}") || Long.parseLong(value) > Integer.MAX_VALUE) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(value));
    }
}
