package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Map;

/**
 * The summary as JSON, for scripts: the same numbers as the text table. Latencies are in
 * milliseconds (3 decimals, i.e. microsecond resolution), CPU in seconds. Format version 1.
 */
final class JsonReport {
    static final int FORMAT_VERSION = 1;

    private JsonReport() {
    }

    static String render(Summary s) {
        ObjectNode root = JsonRpc.MAPPER.createObjectNode();
        root.put("format", "mcp-stress");
        root.put("format_version", FORMAT_VERSION);
        root.put("started_at", s.startedAt().toString());
        root.put("mode", s.mode());
        root.put("concurrency", s.concurrency());
        if (s.rate().isPresent()) {
            root.put("rate_per_s", s.rate().getAsDouble());
        } else {
            root.putNull("rate_per_s");
        }
        root.put("duration_s", round(s.durationSeconds(), 3));
        root.put("warmup_s", round(s.warmupSeconds(), 3));
        root.put("seed", s.seed());
        root.put("mix", s.mix());

        ArrayNode targets = root.putArray("targets");
        for (Summary.TargetInfo t : s.targets()) {
            ObjectNode n = targets.addObject();
            n.put("name", t.name());
            n.put("transport", t.transport());
            n.put("endpoint", t.endpoint());
            ArrayNode tools = n.putArray("tools");
            t.tools().forEach(tools::add);
            ArrayNode skipped = n.putArray("skipped_tools");
            t.skippedTools().forEach(skipped::add);
            n.put("calls_file", t.callsFile());
            ArrayNode pids = n.putArray("pids");
            t.pids().forEach(pids::add);
            if (t.cpuNanos().isPresent()) {
                n.put("cpu_s", round(t.cpuNanos().getAsLong() / 1e9, 3));
            } else {
                n.putNull("cpu_s");
            }
        }

        ObjectNode requests = root.putObject("requests");
        requests.put("total", s.overall().count());
        requests.put("per_s", round(s.overall().perSecond(), 1));
        root.set("overall", row(s.overall()));
        ArrayNode servers = root.putArray("servers");
        s.serverTotals().forEach(r -> servers.add(row(r)));
        ArrayNode rows = root.putArray("rows");
        s.rows().forEach(r -> rows.add(row(r)));

        Summary.Errors e = s.errors();
        ObjectNode errors = root.putObject("unexpected_errors");
        errors.put("total", e.total());
        errors.put("protocol", e.protocol());
        errors.put("tool", e.tool());
        errors.put("transport", e.transport());
        errors.put("timeout", e.timeout());
        errors.put("bad_calls_accepted", e.badCallsAccepted());
        errors.put("notifications_failed", e.notificationsFailed());
        errors.put("stray_stdout_lines", e.strayStdoutLines());
        errors.put("unsent", e.unsent());
        errors.put("abandoned", e.abandoned());
        ArrayNode samples = errors.putArray("samples");
        s.errorSamples().forEach(samples::add);

        Summary.BadCalls b = s.badCalls();
        ObjectNode bad = root.putObject("expected_bad_calls");
        bad.put("sent", b.sent());
        bad.put("rejected_as_jsonrpc_error", b.rejectedAsProtocolError());
        bad.put("rejected_as_tool_error", b.rejectedAsToolError());
        bad.put("accepted", b.accepted());
        bad.put("failed", b.failed());

        Summary.Sessions ss = s.sessions();
        ObjectNode sessions = root.putObject("sessions");
        sessions.put("opened_at_start", ss.openedAtStart());
        sessions.put("opened", ss.opened());
        sessions.put("failed", ss.failed());
        sessions.put("closed", ss.closed());
        sessions.put("notifications_sent", ss.notificationsSent());

        Summary.Cpu c = s.cpu();
        ObjectNode cpu = root.putObject("cpu");
        cpu.put("wall_s", round(c.wallSeconds(), 3));
        cpu.put("load_generator_s", round(c.loadGeneratorNanos() / 1e9, 3));
        cpu.put("load_generator_cores", round(c.loadGeneratorCores(), 3));
        if (c.serversNanos().isPresent()) {
            cpu.put("servers_s", round(c.serversNanos().getAsLong() / 1e9, 3));
            cpu.put("servers_cores", round(c.serverCores().getAsDouble(), 3));
        } else {
            cpu.putNull("servers_s");
            cpu.putNull("servers_cores");
        }
        ArrayNode extra = cpu.putArray("extra_pids");
        c.extraPidNanos().forEach((pid, nanos) -> extra.addObject().put("pid", pid).put("cpu_s", round(nanos / 1e9, 3)));
        if (c.generatorToServers().isPresent()) {
            cpu.put("generator_to_servers", round(c.generatorToServers().getAsDouble(), 3));
        } else {
            cpu.putNull("generator_to_servers");
        }
        return JsonRpc.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    }

    private static ObjectNode row(Summary.RowStats r) {
        ObjectNode n = JsonRpc.MAPPER.createObjectNode();
        n.put("server", r.server());
        n.put("method", r.method());
        n.put("count", r.count());
        n.put("per_s", round(r.perSecond(), 1));
        ObjectNode l = n.putObject("latency_ms");
        l.put("p50", ms(r.latency().p50()));
        l.put("p90", ms(r.latency().p90()));
        l.put("p99", ms(r.latency().p99()));
        l.put("p99_9", ms(r.latency().p999()));
        l.put("max", ms(r.latency().max()));
        ObjectNode o = n.putObject("outcomes");
        for (Map.Entry<Outcome, Long> e : r.outcomes().entrySet()) {
            o.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        }
        n.put("unexpected", r.unexpected());
        return n;
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6, 3);
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
