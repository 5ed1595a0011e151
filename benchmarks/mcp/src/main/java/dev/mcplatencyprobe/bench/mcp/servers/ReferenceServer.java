package dev.mcplatencyprobe.bench.mcp.servers;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One running reference server: the MCP SDK server with its tools, on stdio or on Streamable HTTP
 * inside an embedded Tomcat. {@link #close()} stops it and releases what it holds; it is idempotent.
 */
public final class ReferenceServer implements AutoCloseable {
    public static final String MCP_PATH = "/mcp";
    public static final String VERSION = "0.1.0";

    /**
     * Reactor's shared scheduler threads are first started from a request thread, so at shutdown
     * Tomcat's webapp leak check mistakes them for threads of the (single, embedded) web app and warns.
     */
    private static final Logger LEAK_CHECK_LOG = Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");

    static {
        LEAK_CHECK_LOG.setLevel(Level.SEVERE);
    }

    static final long STDIO_DRAIN_QUIET_NANOS = 300_000_000L;
    static final long STDIO_DRAIN_MAX_NANOS = 3_000_000_000L;

    private final ServerKind kind;
    private final McpSyncServer server;
    private final MemoryStore store;
    private final Tomcat tomcat;
    private final Path tomcatBase;
    private final int port;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** stdio: holds the SDK's reader at end of input until the server is closed. */
    private final CountDownLatch inputReleased;
    private boolean closed;

    private ReferenceServer(ServerKind kind, McpSyncServer server, MemoryStore store, Tomcat tomcat, Path tomcatBase, int port,
                            CountDownLatch inputReleased) {
        this.inputReleased = inputReleased;
        this.kind = kind;
        this.server = server;
        this.store = store;
        this.tomcat = tomcat;
        this.tomcatBase = tomcatBase;
        this.port = port;
    }

    /** Serves MCP over the given streams until {@code in} ends (see {@link #awaitStop()}). */
    public static ReferenceServer startStdio(ServerOptions options, InputStream in, OutputStream out) throws IOException {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        MemoryStore store = openStore(options, json);
        CountDownLatch inputEnded = new CountDownLatch(1);
        CountDownLatch inputReleased = new CountDownLatch(1);
        InputStream watched = new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return ended(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return ended(super.read(b, off, len));
            }

            // The SDK drops answers still in progress once it sees end of input, so it sees it only
            // after they are out (see drainOutput).
            private int ended(int n) throws IOException {
                if (n < 0) {
                    inputEnded.countDown();
                    try {
                        inputReleased.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("stopping");
                    }
                }
                return n;
            }
        };
        AtomicLong lastWriteNanos = new AtomicLong(System.nanoTime());
        OutputStream stamped = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                lastWriteNanos.set(System.nanoTime());
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                lastWriteNanos.set(System.nanoTime());
            }
        };
        StdioServerTransportProvider transport = new StdioServerTransportProvider(json, watched, stamped);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo(options.kind().id(), VERSION)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(tools(options, json, store))
                // SDK 2.1.0's stdio transport writes through a sink that must not be fed from two threads
                // at once: answers finished concurrently on boundedElastic make it fail ("Failed to enqueue
                // message") and it never answers again (java-sdk issue #304). Running handlers on the
                // transport's own reader thread answers one request at a time, as a single-threaded
                // stdio server (the reference Node.js servers) does anyway.
                .immediateExecution(true)
                .build();
        ReferenceServer running = new ReferenceServer(options.kind(), server, store, null, null, -1, inputReleased);
        Thread watcher = new Thread(() -> {
            try {
                inputEnded.await();
                drainOutput(lastWriteNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.stopped.countDown();
        }, "stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
        return running;
    }

    /** Serves MCP over Streamable HTTP at {@code http://bind:port/mcp}; returns once it listens. */
    public static ReferenceServer startHttp(ServerOptions options) throws IOException {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        MemoryStore store = openStore(options, json);
        HttpServletStreamableServerTransportProvider.Builder tb = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(json)
                .mcpEndpoint(MCP_PATH);
        if (isLoopback(options.bindAddress())) {
            // DNS-rebinding guard: a loopback server answers only loopback Host and Origin names.
            tb.securityValidator(DefaultServerTransportSecurityValidator.builder()
                    .allowedHost("127.0.0.1:*").allowedHost("localhost:*").allowedHost("[::1]:*")
                    .allowedOrigin("http://127.0.0.1:*").allowedOrigin("http://localhost:*")
                    .build());
        }
        HttpServletStreamableServerTransportProvider transport = tb.build();
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo(options.kind().id(), VERSION)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(tools(options, json, store))
                .build();

        // Tomcat writes a work directory under its base: a private temp dir, not the working directory
        // (read-only under systemd's ProtectSystem=strict).
        Path base = Files.createTempDirectory("mcp-" + options.kind().id() + "-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(options.port());
        connector.setProperty("address", options.bindAddress());
        // Long-lived MCP sessions keep their connections; Tomcat's default closes one every 100 requests.
        connector.setProperty("maxKeepAliveRequests", "-1");
        // Failures come back to us as exceptions (one line for the user) instead of Tomcat's stack traces.
        connector.setThrowOnFailure(true);
        tomcat.setConnector(connector);
        StandardContext ctx = (StandardContext) tomcat.addContext("", null);
        // Webapp leak detection needs --add-opens and only warns at shutdown; there is no webapp to leak.
        ctx.setClearReferencesThreadLocals(false);
        ctx.setClearReferencesRmiTargets(false);
        Tomcat.addServlet(ctx, "mcp", transport).setAsyncSupported(true);
        ctx.addServletMappingDecoded(MCP_PATH, "mcp");
        int bound = -1;
        IOException failure = null;
        try {
            tomcat.start();
            bound = connector.getLocalPort();
        } catch (LifecycleException e) {
            failure = new IOException("cannot listen on " + options.bindAddress() + ":" + options.port() + ": " + rootMessage(e), e);
        }
        if (failure == null && bound <= 0) {
            failure = new IOException("cannot listen on " + options.bindAddress() + ":" + options.port());
        }
        if (failure != null) {
            server.close();
            closeQuietly(store);
            destroyQuietly(tomcat);
            deleteTree(base);
            throw failure;
        }
        return new ReferenceServer(options.kind(), server, store, tomcat, base, bound, new CountDownLatch(0));
    }

    /**
     * After stdin ends, answers to requests already read may still be on their way: wait until the
     * output has been quiet for {@link #STDIO_DRAIN_QUIET_NANOS} (at most {@link #STDIO_DRAIN_MAX_NANOS}).
     */
    private static void drainOutput(AtomicLong lastWriteNanos) throws InterruptedException {
        long deadline = System.nanoTime() + STDIO_DRAIN_MAX_NANOS;
        while (System.nanoTime() < deadline && System.nanoTime() - lastWriteNanos.get() < STDIO_DRAIN_QUIET_NANOS) {
            Thread.sleep(20);
        }
    }

    private static MemoryStore openStore(ServerOptions options, McpJsonMapper json) throws IOException {
        if (options.kind() != ServerKind.MEMORY) {
            return null;
        }
        try {
            return new MemoryStore(options.stateDir(), json, Clock.systemUTC());
        } catch (IOException e) {
            throw new IOException("cannot use state directory: " + describe(e), e);
        }
    }

    private static List<SyncToolSpecification> tools(ServerOptions options, McpJsonMapper json, MemoryStore store) {
        return switch (options.kind()) {
            case THINKING -> ReferenceTools.thinking(new ThinkingEngine(options.thinkRounds()), json);
            case MEMORY -> ReferenceTools.memory(store, json);
        };
    }

    public ServerKind kind() {
        return kind;
    }

    /** The HTTP port actually bound (useful with port 0); -1 on stdio. */
    public int port() {
        return port;
    }

    /** Blocks until the server is closed or, on stdio, its input ends. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        inputReleased.countDown();
        server.closeGracefully();
        if (tomcat != null) {
            destroyQuietly(tomcat);
            deleteTree(tomcatBase);
        }
        closeQuietly(store);
        stopped.countDown();
    }

    /** A file-system exception's message is often just the path: say what is wrong with it. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException fse) {
            String why = fse instanceof NoSuchFileException ? "no such file or directory"
                    : fse instanceof AccessDeniedException ? "permission denied"
                    : fse instanceof FileAlreadyExistsException ? "exists and is not a directory"
                    : fse.getReason() != null ? fse.getReason() : fse.getClass().getSimpleName();
            return fse.getFile() + ": " + why;
        }
        return e.getMessage();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static void destroyQuietly(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            // stopping anyway: nothing left to release
        }
    }

    private static void closeQuietly(MemoryStore store) {
        if (store != null) {
            try {
                store.close();
            } catch (IOException e) {
                // the file was fsynced after every append: nothing is lost
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
