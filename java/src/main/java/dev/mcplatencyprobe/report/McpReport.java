package dev.mcplatencyprobe.report;

import dev.mcplatencyprobe.mcp.McpSnapshot;
import java.util.Locale;

/**
 * The --mcp part of the final report: the table printed below the text report's footer and the
 * {@code mcp} object appended to the JSON report. Only method and tool names appear: no ids, no
 * payload.
 */
public final class McpReport {
    public static final String TITLE = "MCP methods (server side, measured in the kernel)";
    /**
     * Below this share of a request's time in syscalls that are not blocking waits, a kernel module
     * (which can only make syscalls cheaper) cannot change the request's latency much.
     */
    public static final double KERNEL_MODULE_MIN_SHARE = 0.20;
    private static final int LABEL_WIDTH = 36;
    /** Fewer attributed tool calls than this, and the verdict line does not judge the syscall share. */
    public static final int MIN_ATTRIBUTED = 20;

    private McpReport() {}

    /** The table, its totals and the MCP verdict line; every line ends in '\n'. */
    public static String text(McpSnapshot mcp) {
        StringBuilder out = new StringBuilder(2048);
        out.append(TITLE).append('\n');
        out.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s %7s %6s %8s %9s %9s %9s %9s %9s %9s %12s %8s %6s%n",
                "method", "count", "errors", "unpaired", "in-flight", "P50", "P90", "P99", "P99.9", "max",
                "syscalls/req", "syscall%", "wait%"));
        if (mcp.methods().isEmpty()) {
            out.append("(no MCP request seen: the traced processes read no JSON-RPC request on a pipe or socket)\n");
        }
        for (McpSnapshot.Method m : mcp.methods()) {
            String label = m.label();
            if (label.length() > LABEL_WIDTH) {
                label = label.substring(0, LABEL_WIDTH - 1) + "…";
            }
            boolean any = m.count() > 0;
            out.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s %7d %6d %8d %9d %9s %9s %9s %9s %9s %12s %8s %6s%n",
                    label, m.count(), m.errors(), m.unpaired(), m.inFlight(),
                    any ? Durations.latency(m.p50Ns()) : "-", any ? Durations.latency(m.p90Ns()) : "-",
                    any ? Durations.latency(m.p99Ns()) : "-", any ? Durations.latency(m.p999Ns()) : "-",
                    any ? Durations.latency(m.maxNs()) : "-",
                    m.attributed() > 0 ? Durations.latency(m.syscallNsPerRequest()) : "-",
                    percent(m.syscallShare()), percent(m.waitShare())));
        }
        McpSnapshot.Totals t = mcp.totals();
        out.append("MCP totals: ").append(t.requests()).append(" requests answered (").append(t.errors())
                .append(" with a JSON-RPC error), ").append(t.unpaired()).append(" unanswered, ").append(t.inFlight())
                .append(" in flight at the end; ").append(t.notifications()).append(" notifications");
        if (!mcp.notifications().isEmpty()) {
            out.append(" (");
            String sep = "";
            for (McpSnapshot.Notification n : mcp.notifications()) {
                out.append(sep).append(n.method()).append(' ').append(n.count());
                sep = ", ";
            }
            out.append(')');
        }
        out.append("; ").append(t.unpairedResponses()).append(" responses without their request; ")
                .append(t.undecodable()).append(" messages undecodable\n");
        if (t.forwarded() > 0) {
            out.append("Forwarded: ").append(t.forwarded()).append(" requests read by a gateway and written on to a server"
                    + " with the same id: not in the table, where the server behind it counts them when it is traced\n");
        }
        topSyscalls(out, mcp);
        out.append("Syscall time not attributed: ").append(t.unattributedRequests())
                .append(" requests (overlapping on one thread, read and answered on different threads, or not settled"
                        + " at the end), ")
                .append(Durations.span(t.unattributedLatencyNs())).append(" of request time, ")
                .append(Durations.latency(t.unattributedSyscallNs())).append(" of syscalls inside them; ")
                .append(Durations.latency(t.sharedSyscallNs()))
                .append(" of syscalls inside two or more requests of one thread at once, attributed to none\n");
        out.append("Payload records: ").append(t.payloadRecords()).append(" decoded, ").append(t.payloadDropped())
                .append(" dropped (ring buffer full), ").append(t.payloadFiltered())
                .append(" reads/writes filtered in the kernel as not JSON-RPC\n");
        out.append(verdictLine(mcp)).append('\n');
        return out.toString();
    }

    /**
     * Per method, the syscalls with the most time inside its attributed requests, with their share of
     * those requests' time: what a faster kernel path would have to speed up.
     */
    private static void topSyscalls(StringBuilder out, McpSnapshot mcp) {
        boolean header = false;
        for (McpSnapshot.Method m : mcp.methods()) {
            if (m.topSyscalls().isEmpty() || m.attributedLatencyNs() == 0) {
                continue;
            }
            if (!header) {
                out.append("Top syscalls by time inside requests (attributed requests; share of their time, per request):\n");
                header = true;
            }
            out.append("  ").append(m.label()).append(" (").append(m.attributed()).append("):");
            String sep = " ";
            for (McpSnapshot.SyscallTime s : m.topSyscalls()) {
                out.append(sep).append(s.name()).append(s.blockingWait() ? " (wait)" : "").append(' ')
                        .append(percent((double) s.ns() / m.attributedLatencyNs())).append(' ')
                        .append(Durations.latency(s.ns() / m.attributed()));
                sep = ", ";
            }
            out.append('\n');
        }
    }

    /**
     * {@code MCP verdict: tools/call P99 1.2ms server side; 8% of request time in syscalls (+3% blocking
     * waits): a kernel module could save at most 8%.}
     */
    public static String verdictLine(McpSnapshot mcp) {
        if (mcp.toolsCall().isEmpty() || mcp.toolsCall().get().count() == 0) {
            return "MCP verdict: no tools/call answered: nothing to say about the tools";
        }
        McpSnapshot.Method call = mcp.toolsCall().get();
        StringBuilder out = new StringBuilder("MCP verdict: tools/call P99 ").append(Durations.latency(call.p99Ns()))
                .append(" server side");
        if (call.attributed() < MIN_ATTRIBUTED) {
            return out.append("; its syscall share is not judged: only ").append(call.attributed()).append(" of ")
                    .append(call.count()).append(" calls could be attributed (the others overlapped on a thread or were"
                            + " answered by another thread than the one that read them)").toString();
        }
        double share = call.syscallShare();
        out.append("; ").append(percent(share)).append(" of request time in syscalls that are not blocking waits (")
                .append(percent(call.waitShare())).append(" in blocking waits), over ").append(call.attributed())
                .append(" requests: ");
        if (share < KERNEL_MODULE_MIN_SHARE) {
            out.append("a kernel module could not help much: at most ").append(percent(share))
                    .append(" of a tool call is spent crossing into the kernel; the rest is the server's own work or waiting");
        } else {
            out.append("a kernel module could help: up to ").append(percent(share))
                    .append(" of a tool call is spent in syscalls");
        }
        return out.toString();
    }

    /** {@code ,"mcp":{...}}: appended by {@link #appendJson} to the JSON report's top-level object. */
    public static String json(McpSnapshot mcp) {
        StringBuilder out = new StringBuilder(1024);
        out.append("{\"methods\":[");
        String sep = "";
        for (McpSnapshot.Method m : mcp.methods()) {
            out.append(sep);
            method(out, m);
            sep = ",";
        }
        out.append("],\"notifications\":[");
        sep = "";
        for (McpSnapshot.Notification n : mcp.notifications()) {
            out.append(sep).append("{\"method\":");
            JsonReport.string(out, n.method());
            out.append(",\"count\":").append(n.count()).append('}');
            sep = ",";
        }
        McpSnapshot.Totals t = mcp.totals();
        out.append("],\"totals\":{\"requests\":").append(t.requests())
                .append(",\"errors\":").append(t.errors())
                .append(",\"unpaired\":").append(t.unpaired())
                .append(",\"in_flight\":").append(t.inFlight())
                .append(",\"notifications\":").append(t.notifications())
                .append(",\"unpaired_responses\":").append(t.unpairedResponses())
                .append(",\"undecodable\":").append(t.undecodable())
                .append(",\"unattributed_requests\":").append(t.unattributedRequests())
                .append(",\"unattributed_ns\":").append(t.unattributedLatencyNs())
                .append(",\"payload_records\":").append(t.payloadRecords())
                .append(",\"payload_dropped\":").append(t.payloadDropped())
                .append(",\"payload_filtered\":").append(t.payloadFiltered())
                .append(",\"unattributed_syscall_ns\":").append(t.unattributedSyscallNs())
                .append(",\"shared_syscall_ns\":").append(t.sharedSyscallNs())
                .append(",\"settling\":").append(t.settling())
                .append(",\"forwarded\":").append(t.forwarded()).append('}');
        out.append(",\"tools_call\":");
        if (mcp.toolsCall().isPresent()) {
            method(out, mcp.toolsCall().get());
        } else {
            out.append("null");
        }
        out.append(",\"mcp_verdict\":");
        JsonReport.string(out, verdictLine(mcp));
        out.append('}');
        return out.toString();
    }

    /** The report with {@code "mcp":{...}} added as its last top-level field. */
    public static String appendJson(String report, McpSnapshot mcp) {
        int end = report.lastIndexOf('}');
        return report.substring(0, end) + ",\"mcp\":" + json(mcp) + report.substring(end);
    }

    private static void method(StringBuilder out, McpSnapshot.Method m) {
        boolean any = m.count() > 0;
        out.append("{\"method\":");
        JsonReport.string(out, m.method());
        out.append(",\"tool\":");
        JsonReport.string(out, m.tool());
        out.append(",\"count\":").append(m.count())
                .append(",\"errors\":").append(m.errors())
                .append(",\"unpaired\":").append(m.unpaired())
                .append(",\"p50_ns\":").append(any ? Long.toString(m.p50Ns()) : "null")
                .append(",\"p90_ns\":").append(any ? Long.toString(m.p90Ns()) : "null")
                .append(",\"p99_ns\":").append(any ? Long.toString(m.p99Ns()) : "null")
                .append(",\"p999_ns\":").append(any ? Long.toString(m.p999Ns()) : "null")
                .append(",\"max_ns\":").append(any ? Long.toString(m.maxNs()) : "null")
                .append(",\"syscall_ns_per_request\":").append(m.attributed() > 0 ? Long.toString(m.syscallNsPerRequest()) : "null")
                .append(",\"syscall_share\":").append(share(m.syscallShare()))
                .append(",\"wait_share\":").append(share(m.waitShare()))
                .append(",\"in_flight\":").append(m.inFlight())
                .append(",\"attributed\":").append(m.attributed())
                .append(",\"syscall_ns\":").append(m.syscallNs())
                .append(",\"wait_ns\":").append(m.waitNs())
                .append(",\"top_syscalls\":[");
        String sep = "";
        for (McpSnapshot.SyscallTime s : m.topSyscalls()) {
            out.append(sep).append("{\"name\":");
            JsonReport.string(out, s.name());
            out.append(",\"blocking_wait\":").append(s.blockingWait()).append(",\"ns\":").append(s.ns())
                    .append(",\"share\":").append(share(m.attributedLatencyNs() == 0 ? Double.NaN
                            : (double) s.ns() / m.attributedLatencyNs())).append('}');
            sep = ",";
        }
        out.append(']');
        if (m.latency() != null) {
            FineHistogramJson.append(out, m.latency());
        }
        out.append('}');
    }

    private static String share(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
}
