package dev.mcplatencyprobe.export.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian's binary, unpacked by scripts/test-deps.sh into target/test-tools) on
 * loopback, with a 1 s scrape interval and its storage in a temporary directory; stopped by close().
 */
final class TestPrometheus implements AutoCloseable {
    private static final Path TOOLS = Path.of(System.getProperty("testTools", "../target/test-tools"), "prometheus", "usr", "bin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;
    /** Unix seconds at which instant queries are evaluated; null: now. */
    private Double evaluationTime;

    private TestPrometheus(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The binary {@code name} (prometheus, promtool); skips the test without it, fails it with CI=true. */
    static Path tool(String name) {
        Path bin = TOOLS.resolve(name).toAbsolutePath().normalize();
        if (!Files.isExecutable(bin)) {
            String why = bin + " is missing: run scripts/test-deps.sh (make test does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("Prometheus is required in CI: " + why);
            }
            Assumptions.abort(why);
        }
        return bin;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts Prometheus scraping {@code targets} (host:port) every second; waits until it is ready. */
    static TestPrometheus start(Path dir, boolean nativeHistograms, List<String> targets) throws Exception {
        Path bin = tool("prometheus");
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                + "scrape_configs:\n  - job_name: probe\n    static_configs:\n      - targets: ["
                + targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", ")) + "]\n");
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        ProcessBuilder pb = new ProcessBuilder(bin.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        if (nativeHistograms) {
            pb.command().add("--enable-feature=native-histograms");
        }
        TestPrometheus prometheus = new TestPrometheus(pb.start(), port, log);
        try {
            prometheus.awaitReady();
        } catch (Exception | Error e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("Prometheus exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(100);
        }
        fail("Prometheus not ready after 30 s: " + Files.readString(log));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Evaluates every later instant query at {@code unixSeconds} (e.g. before a scraped probe stopped). */
    void evaluateAt(double unixSeconds) {
        this.evaluationTime = unixSeconds;
    }

    /** The {@code data} of an instant query; the query must succeed. */
    JsonNode query(String promql) throws Exception {
        String url = base() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + (evaluationTime != null ? "&time=" + evaluationTime : "");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("success", body.path("status").asText(), "query " + promql + " -> " + r.body());
        return body.path("data");
    }

    /** The value of the single sample an instant query returns. */
    double value(String promql) throws Exception {
        JsonNode result = query(promql).path("result");
        assertEquals(1, result.size(), "one sample for " + promql + ": " + result);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** Polls {@code promql} until its result satisfies {@code done}, for at most {@code timeout}. */
    JsonNode await(String promql, Predicate<JsonNode> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode result = null;
        while (System.nanoTime() < deadline) {
            result = query(promql).path("result");
            if (done.test(result)) {
                return result;
            }
            Thread.sleep(250);
        }
        fail("waited " + timeout + " for " + promql + ", last result " + result + "\n" + Files.readString(log));
        return result;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
