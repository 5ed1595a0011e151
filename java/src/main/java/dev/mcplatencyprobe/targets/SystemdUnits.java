package dev.mcplatencyprobe.targets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the cgroup of a systemd unit. Asks systemctl first; where it cannot answer (no D-Bus,
 * another user's manager, systemd not PID 1) looks for the unit's directory in the cgroup tree,
 * which is where systemd puts every unit: system units under system.slice, user units under
 * user.slice/user-UID.slice/user@UID.service/.
 */
public final class SystemdUnits {
    private static final long SYSTEMCTL_TIMEOUT_MS = 3000;
    private static final int MAX_DEPTH = 8;

    private SystemdUnits() {}

    /** Characters systemd allows in unit names (escaped ones are written \xNN). */
    private static final java.util.regex.Pattern UNIT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9:_.@\\\\-]{1,255}");

    /** "omnimind-mcp@thinking" becomes "omnimind-mcp@thinking.service", as systemctl does. */
    public static String normalize(String unit) {
        String u = unit.trim();
        // Never an option to systemctl (also passed after "--"), never a path in the cgroup tree.
        if (!UNIT_NAME.matcher(u).matches() || u.startsWith("-") || u.startsWith(".")) {
            throw new TargetException(TargetException.Kind.BAD_TARGET, "'" + unit + "' is not a systemd unit name");
        }
        return u.matches(".*\\.(service|scope|slice|socket|target|mount|timer)$") ? u : u + ".service";
    }

    /** A user name or uid before the ':' of "USER:UNIT". */
    private static final java.util.regex.Pattern USER = java.util.regex.Pattern.compile("[a-z_][a-z0-9_.-]{0,31}\\$?|\\d{1,10}");

    /**
     * The cgroups of a user unit given as "USER:UNIT" (USER a name or uid) or "UNIT"; without a
     * user, {@code defaultUser} (may be null), else the user who ran sudo, else this process's user
     * when it is not root. Root without any of those is told to name the user: no other user's
     * cgroup tree is searched.
     */
    public static List<Path> userCgroups(String spec, String defaultUser) {
        int colon = spec.indexOf(':');
        String user = colon > 0 && USER.matcher(spec.substring(0, colon)).matches() ? spec.substring(0, colon) : null;
        String unit = user != null ? spec.substring(colon + 1) : spec;
        if (user == null && defaultUser != null && !defaultUser.isBlank()) {
            user = defaultUser.trim();
        }
        if (user != null) {
            if (!USER.matcher(user).matches()) {
                throw new TargetException(TargetException.Kind.BAD_TARGET, "'" + user + "' is not a user name or uid");
            }
            Optional<String[]> entry = passwdEntry(user);
            if (entry.isPresent()) {
                return userCgroups(unit, Integer.parseInt(entry.get()[2]), entry.get()[0]);
            }
            if (user.chars().allMatch(Character::isDigit)) {
                return userCgroups(unit, Integer.parseInt(user), null);
            }
            throw new TargetException(TargetException.Kind.BAD_TARGET, "no user '" + user + "' for user unit " + unit);
        }
        Optional<InvokingUser> sudo = InvokingUser.fromSudo();
        if (sudo.isPresent()) {
            return userCgroups(unit, sudo.get().uid(), sudo.get().passwdName().orElse(sudo.get().name()));
        }
        int self = InvokingUser.effectiveUid();
        if (self > 0) {
            return userCgroups(unit, self, passwdEntry(Integer.toString(self)).map(e -> e[0]).orElse(null));
        }
        throw new TargetException(TargetException.Kind.BAD_TARGET, "whose user unit is " + unit
                + "? Give its user: --user-unit USER:" + unit + " (or PROBE_USER=USER in the probe's unit)");
    }

    /** The passwd entry of a user name or uid. */
    private static Optional<String[]> passwdEntry(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && (f[0].equals(user) || f[2].equals(user))) {
                    return Optional.of(f);
                }
            }
        } catch (IOException e) {
            // No passwd file: uids only.
        }
        return Optional.empty();
    }

    /** The cgroup directories of a running system unit. */
    public static List<Path> cgroups(String unit) {
        String name = normalize(unit);
        Path root = Cgroups.v2Root();
        String fromSystemctl = systemctlControlGroup(name, List.of());
        Path dir = fromSystemctl == null || fromSystemctl.isEmpty() ? null : Cgroups.under(root, fromSystemctl);
        if (dir != null && Files.isDirectory(dir)) {
            return List.of(dir);
        }
        Path top = root.resolve("system.slice");
        List<Path> found = find(top, name);
        if (found.isEmpty()) {
            throw new TargetException(TargetException.Kind.BAD_TARGET, "unit " + name + " is not running (no cgroup found under "
                    + top + "): check it with 'systemctl status " + name + "', or use --user-unit USER:UNIT for a user unit");
        }
        return found;
    }

    /**
     * The cgroup directories of a running user unit of the user {@code uid}: only under that user's
     * own manager ({@code user.slice/user-UID.slice/user@UID.service}), where no other user can
     * create a cgroup.
     *
     * @param userName the user's name for systemctl --machine=USER@, or null to search the tree only
     */
    public static List<Path> userCgroups(String unit, int uid, String userName) {
        String name = normalize(unit);
        Path root = Cgroups.v2Root();
        Path manager = root.resolve("user.slice/user-" + uid + ".slice/user@" + uid + ".service");
        if (userName != null) {
            String fromSystemctl = systemctlControlGroup(name, List.of("--user", "--machine=" + userName + "@"));
            Path dir = fromSystemctl == null || fromSystemctl.isEmpty() ? null : Cgroups.under(root, fromSystemctl);
            // systemctl answers for that user's manager; its answer must still be inside that manager.
            if (dir != null && dir.startsWith(manager) && Files.isDirectory(dir)) {
                return List.of(dir);
            }
        }
        List<Path> found = find(manager, name);
        if (found.isEmpty()) {
            String who = userName != null ? userName : "uid " + uid;
            throw new TargetException(TargetException.Kind.BAD_TARGET, "user unit " + name + " of " + who
                    + " is not running (no cgroup found under " + manager + "): check it with 'systemctl --user status "
                    + name + "' as that user");
        }
        return found;
    }

    private static List<Path> find(Path top, String name) {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> dirs = Files.find(top, MAX_DEPTH, (p, attrs) -> attrs.isDirectory() && p.getFileName().toString().equals(name))) {
                dirs.forEach(found::add);
            } catch (IOException e) {
                // Fall through to "not found".
            }
        }
        return found;
    }

    private static String systemctlControlGroup(String unit, List<String> scope) {
        List<String> cmd = new ArrayList<>(List.of("systemctl"));
        cmd.addAll(scope);
        // "--" ends the options: a unit name can never be read as one.
        cmd.addAll(List.of("show", "--property=ControlGroup", "--value", "--", unit));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            // One short line of output fits the pipe: wait first, so a hung D-Bus cannot block the read.
            if (!p.waitFor(SYSTEMCTL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null; // no systemctl
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
