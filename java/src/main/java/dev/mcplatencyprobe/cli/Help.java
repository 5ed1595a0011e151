package dev.mcplatencyprobe.cli;

/** The --help text: every option, with examples. */
final class Help {
    static final String TEXT = """
            Usage: sudo java -jar probe-demo.jar [OPTIONS] [-- COMMAND [ARGS...]]
                   java -jar probe-demo.jar compare BASE NEW [--tolerance SPEC] [--format text|json]

            Times every syscall of the processes you choose with eBPF and prints, every interval
            and at the end, a bpftrace-style latency histogram (microseconds), P50/P90/P99/P99.9/max,
            the slowest and busiest syscalls, events lost, and an architecture verdict from the P99
            of the calls that are not blocking waits (futex, epoll_wait, accept, sleeps...: idle time).

            Targets (combine freely; a syscall is traced if its process matches any of them):
              -p, --pid PID[,PID...]   processes by id (all their threads)
              -c, --comm NAME          processes whose command name is NAME (15 chars, as in ps -o comm);
                                       repeatable
                  --unit UNIT          the processes of a running systemd system unit, e.g. nginx.service;
                                       followed across restarts; repeatable
                  --user-unit [USER:]UNIT
                                       the same for a user unit of USER (default: $PROBE_USER, else
                                       the user who ran sudo), e.g. omnimind-mcp@thinking; only that
                                       user's own units, never another user's cgroups
                  --cgroup PATH        every process in a cgroup v2 directory and below it (processes that
                                       join later: up to 8 levels below), e.g. /sys/fs/cgroup/x.slice,
                                       or relative to the v2 root: /system.slice/x.service
              -a, --all                every process on the host except the probe itself
              -- COMMAND [ARGS...]     launch COMMAND, trace it and its children from its first syscall,
                                       stop when it exits; its exit status becomes the probe's.
                                       Children are followed for the other targets too then.
                                       Run through sudo, COMMAND (and the demo's servers) run as the
                                       user who ran sudo, with that user's groups
                  --as-root            run COMMAND and the demo's servers as root instead
              -f, --follow-children    also trace processes that traced processes fork from now on
            With no target, a 5-second demo: the reference MCP servers under a light load when they are
            built (benchmarks/mcp/target), else a built-in workload of disk, sleep and TCP syscalls.

            Reports:
              -i, --interval DURATION  report the last interval every DURATION (default 10s, at least 100ms)
              -d, --duration DURATION  stop after DURATION (default: at Ctrl-C, when COMMAND exits, or when
                                       every --pid has exited if those are the only targets and
                                       --follow-children is not given)
              -t, --threshold DURATION count calls slower than this as high latency (default 50ms)
              -s, --syscalls LIST      only these syscalls: names or numbers, e.g. read,write,openat
                  --format text|json   text (default), or one JSON object per report per line;
                                       the last one has "final": true
              -o, --out DIR            also write the final report to DIR/ebpf_mcp_latency_YYYYMMDD_HHMMSS.txt
                                       and a .json twin, a self-contained .html (plots, tables; opens in
                                       any browser, no network) and an .hlog (HdrHistogram interval log:
                                       a histogram per interval, tagged all, without_waits and
                                       syscall:NAME, for HistogramLogAnalyzer) (DIR is created; an existing
                                       name gets a suffix, -1, -2, ...; through sudo the files are the user's)
                  --per-process        add a report per traced process to the final report
            Prometheus:
                  --prometheus [HOST:]PORT  serve the whole run's histograms and counters at
                                       http://HOST:PORT/metrics while tracing (HOST defaults to 127.0.0.1;
                                       port 0 picks a free one); see the README for the metrics
                  --prometheus-per-process  also a histogram per traced process (the 50 busiest, the rest
                                       under pid="other")
                  --mcp                also decode the MCP (JSON-RPC) messages the traced processes read and
                                       write on pipes and sockets (stdio, Streamable HTTP): per method and
                                       tool, the server-side latency (request read -> response written)
                                       and the share of it spent in syscalls, below the final report.
                                       Only method and tool names are kept; payload bytes are dropped
            Other:
                  --ring-size SIZE     kernel ring buffer, a power of two from 4K to 1G (default 8M)
              -v, --verbose            show libbpf's messages and error details
              -h, --help               this text
              -V, --version            the version

            DURATION is a number with a unit: 500ms, 10s, 2m, 1h (a bare number is seconds).

            Examples:
              sudo java -jar probe-demo.jar -- dd if=/dev/zero of=/dev/null bs=1 count=20000
              sudo java -jar probe-demo.jar --pid 1234 --follow-children --interval 5s
              sudo java -jar probe-demo.jar --user-unit omnimind-mcp@thinking --out data/test_reports
              sudo java -jar probe-demo.jar --unit nginx --syscalls read,write,sendfile --format json
              sudo java -jar probe-demo.jar --mcp --comm node

            Privileges: loading the probe needs CAP_BPF and CAP_PERFMON (or root), and a kernel
            >= 5.12 with BTF (/sys/kernel/btf/vmlinux). Without sudo, grant them as ambient capabilities,
            e.g. sudo setpriv --reuid=$(id -u) --regid=$(id -g) --init-groups --inh-caps=+bpf,+perfmon \\
                 --ambient-caps=+bpf,+perfmon java -jar probe-demo.jar ...
            Nothing stays attached after the probe exits, even if it is killed.

            Exit status: 0 done; the launched command's status; 2 bad usage, target or environment;
            1 a failure while tracing.

            compare BASE NEW: two JSON reports (or two .hlog files) of --out, per overall distribution,
            syscall and MCP method: P50/P90/P99/P99.9 side by side and regression, improvement or
            no significant change (beyond --tolerance, 10% by default, AND outside a 99% bootstrap
            interval). Exit status 0 nothing regressed, 1 something regressed, 2 bad input.
            See 'compare --help'.
            """;

    private Help() {}
}
