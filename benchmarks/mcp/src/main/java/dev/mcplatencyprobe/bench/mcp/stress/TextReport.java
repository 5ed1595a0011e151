package dev.mcplatencyprobe.bench.mcp.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The summary as a person reads it: a header, one table row per server and method, then totals. */
final class TextReport {
    private TextReport() {
    }

    static String render(Summary s) {
        StringBuilder b = new StringBuilder();
        String load = s.mode().equals("open")
                ? String.format(Locale.ROOT, "open loop, %s req/s over %d sessions", num(s.rate().getAsDouble()), s.concurrency())
                : String.format(Locale.ROOT, "closed loop, %d virtual users", s.concurrency());
        b.append(String.format(Locale.ROOT, "mcp-stress: %s, %s s measured after %s s warm-up, seed %d%n",
                load, num(s.durationSeconds()), num(s.warmupSeconds()), s.seed()));
        b.append("mix: ").append(s.mix()).append('\n');
        for (Summary.TargetInfo t : s.targets()) {
            b.append(String.format(Locale.ROOT, "target %-10s %-5s %s  pids %s  tools %s%n", t.name(), t.transport(), t.endpoint(),
                    t.pids().isEmpty() ? "unknown" : join(t.pids()), String.join(",", t.tools())));
            if (t.callsFile() != null) {
                b.append("  tools/call from ").append(t.callsFile()).append('\n');
            }
            for (String skipped : t.skippedTools()) {
                b.append("  not called: ").append(skipped).append('\n');
            }
        }
        b.append('\n');

        List<Summary.RowStats> table = new ArrayList<>();
        for (Summary.RowStats total : s.serverTotals()) {
            s.rows().stream().filter(r -> r.server().equals(total.server())).forEach(table::add);
            table.add(total);
        }
        table.add(s.overall());
        int serverWidth = 8;
        int methodWidth = 6;
        for (Summary.RowStats r : table) {
            serverWidth = Math.max(serverWidth, r.server().length());
            methodWidth = Math.max(methodWidth, r.method().length());
        }
        String head = "%-" + serverWidth + "s  %-" + methodWidth + "s %9s %9s %9s %9s %9s %9s %9s %10s%n";
        String row = "%-" + serverWidth + "s  %-" + methodWidth + "s %9d %9s %9s %9s %9s %9s %9s %10d%n";
        b.append(String.format(Locale.ROOT, head, "server", "method", "count", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "unexpected"));
        for (Summary.RowStats r : table) {
            Summary.Latency l = r.latency();
            b.append(String.format(Locale.ROOT, row, r.server(), r.method(), r.count(), num(r.perSecond()),
                    ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.p999()), ms(l.max()), r.unexpected()));
        }
        b.append('\n');

        Summary.Errors e = s.errors();
        b.append(String.format(Locale.ROOT, "requests: %d in %s s = %s req/s%n", s.overall().count(), num(s.durationSeconds()),
                num(s.overall().perSecond())));
        b.append(String.format(Locale.ROOT,
                "unexpected errors: %d (protocol %d, tool %d, transport %d, timeout %d, bad calls accepted %d, "
                        + "notifications failed %d, stray stdout lines %d, unsent %d, abandoned %d)%n",
                e.total(), e.protocol(), e.tool(), e.transport(), e.timeout(), e.badCallsAccepted(), e.notificationsFailed(),
                e.strayStdoutLines(), e.unsent(), e.abandoned()));
        Summary.BadCalls bad = s.badCalls();
        b.append(String.format(Locale.ROOT, "expected bad calls: %d sent, rejected %d as JSON-RPC error and %d as tool error, "
                + "accepted %d, failed otherwise %d%n", bad.sent(), bad.rejectedAsProtocolError(), bad.rejectedAsToolError(),
                bad.accepted(), bad.failed()));
        Summary.Sessions ss = s.sessions();
        b.append(String.format(Locale.ROOT, "sessions: %d opened before the clock started; during the run %d opened, %d failed, "
                + "%d closed; %d notifications sent%n", ss.openedAtStart(), ss.opened(), ss.failed(), ss.closed(), ss.notificationsSent()));
        b.append(cpuLine(s));
        for (String sample : s.errorSamples()) {
            b.append("  error: ").append(sample).append('\n');
        }
        return b.toString();
    }

    static String cpuLine(Summary s) {
        Summary.Cpu c = s.cpu();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "cpu over %s s: load generator %s s (%s%% of one core)", num(c.wallSeconds()),
                num(c.loadGeneratorNanos() / 1e9), pct(c.loadGeneratorCores())));
        if (c.serversNanos().isPresent()) {
            b.append(String.format(Locale.ROOT, "; servers %s s (%s%%:", num(c.serversNanos().getAsLong() / 1e9),
                    pct(c.serverCores().getAsDouble())));
            for (Summary.TargetInfo t : s.targets()) {
                b.append(' ').append(t.name()).append(' ')
                        .append(t.cpuNanos().isPresent() ? num(t.cpuNanos().getAsLong() / 1e9) + " s" : "unknown");
            }
            c.extraPidNanos().forEach((pid, nanos) -> b.append(" pid ").append(pid).append(' ').append(num(nanos / 1e9)).append(" s"));
            b.append(')');
            c.generatorToServers().ifPresent(r -> b.append(String.format(Locale.ROOT, "; generator/servers = %.2f", r)));
        } else {
            boolean pidsKnown = s.targets().stream().anyMatch(t -> !t.pids().isEmpty());
            b.append(pidsKnown ? "; servers unknown (a server exited before the end)" : "; servers unknown (give --server-pid PID)");
        }
        return b.append('\n').toString();
    }

    /** Milliseconds with microsecond resolution. */
    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String pct(double cores) {
        return String.format(Locale.ROOT, "%.0f", cores * 100);
    }

    private static String join(List<Long> pids) {
        StringBuilder b = new StringBuilder();
        for (Long p : pids) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(p);
        }
        return b.toString();
    }
}
