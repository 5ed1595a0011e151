package dev.mcplatencyprobe.bench.mcp.stress;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which processes listen on a local TCP port, found the way ss -p does it: the socket's inode in
 * /proc/net/tcp{,6}, then the /proc/PID/fd link that points at it. Best effort: other users'
 * processes are only visible to root.
 */
final class ListeningPids {
    private static final String TCP_LISTEN = "0A";

    private ListeningPids() {
    }

    static Set<Long> forPort(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                inodes.addAll(listeningInodes(Files.readAllLines(Path.of(table)), port));
            } catch (IOException e) {
                // no IPv6, or no /proc: nothing from this table
            }
        }
        Set<Long> pids = new TreeSet<>();
        if (inodes.isEmpty()) {
            return pids;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid != self && holdsAny(proc.resolve("fd"), inodes)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found
        }
        return pids;
    }

    /** Inodes of sockets in LISTEN state on {@code port}, from the lines of a /proc/net/tcp table. */
    static Set<String> listeningInodes(List<String> lines, int port) {
        Set<String> inodes = new HashSet<>();
        String portHex = String.format(Locale.ROOT, "%04X", port);
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[1].contains(":")) {
                continue;
            }
            String localPort = f[1].substring(f[1].lastIndexOf(':') + 1);
            if (localPort.equalsIgnoreCase(portHex) && TCP_LISTEN.equals(f[3]) && !"0".equals(f[9])) {
                inodes.add(f[9]);
            }
        }
        return inodes;
    }

    private static boolean holdsAny(Path fdDir, Set<String> inodes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[") && inodes.contains(link.substring(8, link.length() - 1))) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | SecurityException e) {
            // not ours to read, or gone
        }
        return false;
    }
}
