package dev.mcplatencyprobe.mcp;

import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The MCP view of a run: per method (and per tool of {@code tools/call}), the server-side latency
 * measured in the kernel (request read → response written) and the syscall time inside the
 * requests. Immutable. Holds method and tool names only: no ids, no payload.
 *
 * @param methods              one row per method (and tool), most requests first
 * @param notifications        notifications received, by method, most first
 * @param toolsCallAll         every tools/call whatever the tool (null if none): the verdict line's figures
 * @param totals               counts over all methods
 */
public record McpSnapshot(List<Method> methods, List<Notification> notifications, Method toolsCallAll, Totals totals) {
    /**
     * @param count             requests answered
     * @param errors            of those, answered with a JSON-RPC error
     * @param unpaired          requests never answered (evicted, or their id reused before an answer)
     * @param inFlight          requests not answered when the run ended (at the window's edge)
     * @param attributed        answered requests whose syscall time could be attributed to them
     * @param syscallNs         syscalls that are not blocking waits, inside the attributed requests
     * @param waitNs            blocking waits inside the attributed requests
     * @param attributedLatencyNs the attributed requests' latency, summed
     * @param topSyscalls       the syscalls with the most time inside the attributed requests, most first
     * @param latency           the latencies (2 significant digits), a copy; null when not kept
     */
    public record Method(String method, String tool, long count, long errors, long unpaired, long inFlight,
            long p50Ns, long p90Ns, long p99Ns, long p999Ns, long maxNs,
            long attributed, long syscallNs, long waitNs, long attributedLatencyNs,
            List<SyscallTime> topSyscalls, Histogram latency) {
        /** A row without top syscalls or histogram. */
        public Method(String method, String tool, long count, long errors, long unpaired, long inFlight,
                long p50Ns, long p90Ns, long p99Ns, long p999Ns, long maxNs,
                long attributed, long syscallNs, long waitNs, long attributedLatencyNs) {
            this(method, tool, count, errors, unpaired, inFlight, p50Ns, p90Ns, p99Ns, p999Ns, maxNs, attributed,
                    syscallNs, waitNs, attributedLatencyNs, List.of(), null);
        }

        /** The row's label: the method, and the tool for tools/call. */
        public String label() {
            return tool == null ? method : method + " " + tool;
        }

        /** Syscall time (waits included) per attributed request, ns; -1 without attributed requests. */
        public long syscallNsPerRequest() {
            return attributed == 0 ? -1 : (syscallNs + waitNs) / attributed;
        }

        /** Share of the attributed requests' time spent in syscalls that are not blocking waits; NaN if none. */
        public double syscallShare() {
            return attributedLatencyNs == 0 ? Double.NaN : (double) syscallNs / attributedLatencyNs;
        }

        /** Share spent in blocking waits; NaN if none. */
        public double waitShare() {
            return attributedLatencyNs == 0 ? Double.NaN : (double) waitNs / attributedLatencyNs;
        }
    }

    public record Notification(String method, long count) {}

    /**
     * One syscall's time inside a method's attributed requests.
     *
     * @param name  the syscall, or "(other)" for those past the per-request limit of distinct syscalls
     * @param blockingWait  a blocking wait
     * @param ns    its time inside the requests, summed
     */
    public record SyscallTime(String name, boolean blockingWait, long ns) {}

    /**
     * @param requests            answered requests, all methods
     * @param unpairedResponses   responses whose request was not seen (a cut message, or sent before tracing began)
     * @param undecodable         objects on MCP streams that could not be read as JSON-RPC (cut, invalid)
     * @param unattributedRequests answered requests whose syscall time was not attributed (overlapping
     *                            requests on one thread, or read and answered on different threads)
     * @param unattributedLatencyNs their latency, summed
     * @param payloadRecords      kernel payload records decoded
     * @param payloadDropped      kernel payload records lost because the ring was full
     * @param payloadFiltered     reads/writes on pipes and sockets the kernel filtered out (not JSON-RPC)
     * @param unattributedSyscallNs syscall time inside the unattributed requests that lay inside exactly one
     *                            of them (waits included)
     * @param sharedSyscallNs     syscall time inside two or more requests of one thread at once: attributed to none
     * @param settling            answered requests whose syscall time was not settled yet (counted as unattributed)
     * @param forwarded           requests a traced gateway read and wrote on to a server (same id and method),
     *                            answered or not: not in the table, where the server behind it counts them
     *                            if it is traced
     */
    public record Totals(long requests, long errors, long unpaired, long inFlight, long notifications,
            long unpairedResponses, long undecodable, long unattributedRequests, long unattributedLatencyNs,
            long payloadRecords, long payloadDropped, long payloadFiltered,
            long unattributedSyscallNs, long sharedSyscallNs, long settling, long forwarded) {
        public Totals(long requests, long errors, long unpaired, long inFlight, long notifications,
                long unpairedResponses, long undecodable, long unattributedRequests, long unattributedLatencyNs,
                long payloadRecords, long payloadDropped, long payloadFiltered) {
            this(requests, errors, unpaired, inFlight, notifications, unpairedResponses, undecodable,
                    unattributedRequests, unattributedLatencyNs, payloadRecords, payloadDropped, payloadFiltered, 0, 0, 0, 0);
        }
    }

    /** Every tools/call whatever the tool, if there was one. */
    public Optional<Method> toolsCall() {
        return Optional.ofNullable(toolsCallAll);
    }
}
