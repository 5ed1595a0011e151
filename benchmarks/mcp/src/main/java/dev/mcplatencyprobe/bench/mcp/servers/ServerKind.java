package dev.mcplatencyprobe.bench.mcp.servers;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;

import java.util.Locale;

/** The two reference servers; the name is also the systemd instance name (omnimind-mcp@NAME). */
public enum ServerKind {
    THINKING("thinking", 8701),
    MEMORY("memory", 8702);

    private final String id;
    private final int defaultPort;

    ServerKind(String id, int defaultPort) {
        this.id = id;
        this.defaultPort = defaultPort;
    }

    public String id() {
        return id;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public static ServerKind parse(String text) throws UsageException {
        for (ServerKind k : values()) {
            if (k.id.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new UsageException("unknown server '" + text + "': give 'thinking' or 'memory' (see --help)");
    }
}
