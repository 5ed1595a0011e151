package dev.mcplatencyprobe.export.prometheus;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.Executors;

/**
 * {@code /metrics} over HTTP with the official client's server (text, OpenMetrics and the protobuf
 * format Prometheus needs for native histograms, chosen by the scraper's Accept header), serving
 * one {@link LatencyCollector} from its own registry.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    private final HTTPServer server;

    private PrometheusEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * Binds {@code address:port} (0: any free port) and starts serving.
     *
     * @throws IOException if the address cannot be bound (in use, not local)
     */
    public static PrometheusEndpoint start(InetAddress address, int port, LatencyCollector collector) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        // One thread: scrapes are rare, and the collector serialises them anyway.
        HTTPServer server = HTTPServer.builder().inetAddress(address).port(port).registry(registry)
                .executorService(Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "prometheus-http");
                    t.setDaemon(true);
                    return t;
                }))
                .buildAndStart();
        return new PrometheusEndpoint(server);
    }

    /** The bound port (the one chosen when 0 was asked for). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
