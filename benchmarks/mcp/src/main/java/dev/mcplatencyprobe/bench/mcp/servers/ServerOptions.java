package dev.mcplatencyprobe.bench.mcp.servers;

import dev.mcplatencyprobe.bench.mcp.cli.ArgCursor;
import dev.mcplatencyprobe.bench.mcp.cli.UsageException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one reference server process runs: which server, on which transport, where. An option on the
 * command line wins over its environment variable, which wins over the default.
 *
 * @param kind        thinking or memory
 * @param transport   stdio or http
 * @param bindAddress HTTP only: the address to listen on (127.0.0.1 unless told)
 * @param port        HTTP only: 0 picks a free port (see portFile)
 * @param stateDir    where the memory server keeps memories.jsonl
 * @param portFile    HTTP only: the bound port is written here once the server listens, if set
 * @param thinkRounds SHA-256 rounds per think call: the CPU cost of one thought
 */
public record ServerOptions(
        ServerKind kind,
        Transport transport,
        String bindAddress,
        int port,
        Path stateDir,
        Optional<Path> portFile,
        int thinkRounds) {

    public enum Transport { STDIO, HTTP }

    public static final String ENV_TRANSPORT = "MCP_TRANSPORT";
    public static final String ENV_PORT = "MCP_PORT";
    public static final String ENV_BIND = "MCP_BIND";
    public static final String ENV_STATE_DIR = "MCP_STATE_DIR";
    /** Set by systemd from StateDirectory=; a colon-separated list when several are given. */
    public static final String ENV_SYSTEMD_STATE_DIRECTORY = "STATE_DIRECTORY";
    public static final String ENV_THINK_ROUNDS = "MCP_THINK_ROUNDS";

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_THINK_ROUNDS = 2_000;
    public static final int MAX_THINK_ROUNDS = 10_000_000;

    public static final String USAGE = """
            usage: java -jar mcp-servers.jar thinking|memory [options]

            Reference MCP servers (MCP Java SDK) for the latency probe's MCP workload.
              thinking   tool 'think': a sequential-thinking step with a fixed CPU cost
              memory     tools 'remember' (append to memories.jsonl, fsync) and 'recall'

            options (an option wins over its environment variable):
              --transport stdio|http   MCP_TRANSPORT   default stdio
              --port N                 MCP_PORT        HTTP port; default thinking 8701, memory 8702; 0 = any free port
              --bind ADDR              MCP_BIND        HTTP bind address; default 127.0.0.1
              --state-dir DIR          MCP_STATE_DIR, then systemd's STATE_DIRECTORY;
                                                       default $XDG_STATE_HOME/omnimind-mcp/NAME (~/.local/state/...)
              --port-file FILE                         HTTP: write the bound port to FILE once listening
              --think-rounds N         MCP_THINK_ROUNDS SHA-256 rounds per think call; default 2000
              -h, --help                               this text

            HTTP serves Streamable HTTP at http://ADDR:PORT/mcp. Exit codes: 0 done, 1 failed, 2 bad usage.
            """;

    public static ServerOptions parse(String[] args, Map<String, String> env) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("which server? give 'thinking' or 'memory' (see --help)");
        }
        ServerKind kind = ServerKind.parse(args[0]);
        String transport = env.get(ENV_TRANSPORT);
        String port = env.get(ENV_PORT);
        String bind = env.get(ENV_BIND);
        String stateDir = env.get(ENV_STATE_DIR);
        if (isBlank(stateDir) && !isBlank(env.get(ENV_SYSTEMD_STATE_DIRECTORY))) {
            stateDir = env.get(ENV_SYSTEMD_STATE_DIRECTORY).split(":", 2)[0];
        }
        String portFile = null;
        String rounds = env.get(ENV_THINK_ROUNDS);

        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        ArgCursor cursor = new ArgCursor(rest);
        while (cursor.hasNext()) {
            String opt = cursor.nextOption();
            switch (opt) {
                case "--transport" -> transport = cursor.value();
                case "--port" -> port = cursor.value();
                case "--bind" -> bind = cursor.value();
                case "--state-dir" -> stateDir = cursor.value();
                case "--port-file" -> portFile = cursor.value();
                case "--think-rounds" -> rounds = cursor.value();
                default -> throw new UsageException("unknown option '" + opt + "' (see --help)");
            }
        }

        Transport t = parseTransport(isBlank(transport) ? "stdio" : transport);
        int p = isBlank(port) ? kind.defaultPort() : ArgCursor.parseInt("port", port, 0, 65_535);
        String b = isBlank(bind) ? DEFAULT_BIND : bind.trim();
        int r = isBlank(rounds) ? DEFAULT_THINK_ROUNDS : ArgCursor.parseInt("think rounds", rounds, 0, MAX_THINK_ROUNDS);
        Path dir = isBlank(stateDir) ? defaultStateDir(kind, env) : Path.of(stateDir);
        Optional<Path> pf = isBlank(portFile) ? Optional.empty() : Optional.of(Path.of(portFile));
        if (pf.isPresent() && t != Transport.HTTP) {
            throw new UsageException("--port-file only makes sense with --transport http");
        }
        return new ServerOptions(kind, t, b, p, dir, pf, r);
    }

    static Transport parseTransport(String text) throws UsageException {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "stdio" -> Transport.STDIO;
            case "http", "streamable-http" -> Transport.HTTP;
            default -> throw new UsageException("transport: '" + text + "' is not stdio or http");
        };
    }

    static Path defaultStateDir(ServerKind kind, Map<String, String> env) {
        String xdg = env.get("XDG_STATE_HOME");
        Path base = !isBlank(xdg) ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "state");
        return base.resolve("omnimind-mcp").resolve(kind.id());
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
