package dev.mcpprobe.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** "omnimind-mcp@thinking" becomes "omnimind-mcp@thinking.service", as systemctl does. */
    public static String normalize(String unit) {
        String u = unit.trim();
        if (u.isEmpty() || u.contains("/")) {
            throw new ProbeException(ProbeException.Kind.BAD_TARGET, "'" + unit + "' is not a systemd unit name");
        }
        return u.matches(".*\\.(service|scope|slice|socket|target|mount|timer)$") ? u : u + ".service";
    }

    /** The cgroup directories of a running unit (a user unit may run for several users). */
    public static List<Path> cgroups(String unit, boolean user) {
        String name = normalize(unit);
        Path root = Cgroups.v2Root();
        List<Path> found = new ArrayList<>();
        String fromSystemctl = systemctlControlGroup(name, user);
        if (fromSystemctl != null && !fromSystemctl.isEmpty()) {
            Path dir = root.resolve(fromSystemctl.replaceFirst("^/+", ""));
            if (Files.isDirectory(dir)) {
                found.add(dir);
                return found;
            }
        }
        Path top = root.resolve(user ? "user.slice" : "system.slice");
        if (Files.isDirectory(top)) {
            try (Stream<Path> dirs = Files.find(top, MAX_DEPTH, (p, attrs) -> attrs.isDirectory() && p.getFileName().toString().equals(name))) {
                dirs.forEach(found::add);
            } catch (IOException e) {
                // Fall through to "not found".
            }
        }
        if (found.isEmpty()) {
            String ctl = user ? "systemctl --user" : "systemctl";
            throw new ProbeException(ProbeException.Kind.BAD_TARGET, (user ? "user unit " : "unit ") + name
                    + " is not running (no cgroup found under " + top + "): check it with '" + ctl + " status " + name + "'"
                    + (user ? "" : ", or use --user-unit for a user unit"));
        }
        return found;
    }

    private static String systemctlControlGroup(String unit, boolean user) {
        List<String> cmd = new ArrayList<>(List.of("systemctl"));
        if (user) {
            String sudoUser = System.getenv("SUDO_USER");
            if (sudoUser != null && !sudoUser.isEmpty()) {
                cmd.addAll(List.of("--user", "--machine=" + sudoUser + "@"));
            } else {
                cmd.add("--user");
            }
        }
        cmd.addAll(List.of("show", "--property=ControlGroup", "--value", unit));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            // One short line of output fits the pipe: wait first, so a hung D-Bus cannot block the read.
            if (!p.waitFor(SYSTEMCTL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null; // no systemctl
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
