package dev.mcplatencyprobe.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal MCP client over a server's stdin/stdout, one request at a time, that counts and times
 * (client side) every request by method and tool, as the probe's table labels them.
 */
final class StdioClient implements AutoCloseable {
    private final Process process;
    private final OutputStream in;
    private final BufferedReader out;
    private final Map<String, List<Long>> latencies = new TreeMap<>();
    private int nextId = 1;

    StdioClient(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends a request and waits for its answer; returns the answer's line. */
    String call(String method, String tool, String params) throws IOException {
        int id = nextId++;
        String line = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}\n";
        long start = System.nanoTime();
        in.write(line.getBytes(StandardCharsets.UTF_8));
        in.flush();
        String answer;
        do {
            answer = out.readLine();
            if (answer == null) {
                throw new IOException("the server closed its stdout");
            }
        } while (!answer.contains("\"id\":" + id + "}") && !answer.contains("\"id\":" + id + ","));
        long ns = System.nanoTime() - start;
        latencies.computeIfAbsent(tool == null ? method : method + " " + tool, k -> new ArrayList<>()).add(ns);
        return answer;
    }

    String callTool(String tool, String arguments) throws IOException {
        return call("tools/call", tool, "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}");
    }

    void notify(String method) throws IOException {
        in.write(("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"}\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    void initialize() throws IOException {
        call("initialize", null, "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"mcp-probe-test\",\"version\":\"1\"}}");
        notify("notifications/initialized");
    }

    /** Client-side latencies by label (method, or "tools/call TOOL"). */
    Map<String, List<Long>> latencies() {
        return latencies;
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
