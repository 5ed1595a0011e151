package dev.mcplatencyprobe.cli;

import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.report.Durations;
import dev.mcplatencyprobe.syscall.Syscalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command line, parsed and checked; {@link UsageException} says what is wrong in one line. */
record Options(
        Set<Long> pids,
        List<String> commands,
        List<String> units,
        List<String> userUnits,
        List<String> cgroups,
        boolean all,
        List<String> launch,
        boolean followChildren,
        Duration interval,
        Duration duration,
        Duration threshold,
        Set<Integer> syscalls,
        Format format,
        Path outDir,
        boolean perProcess,
        int ringBytes,
        boolean verbose,
        boolean help,
        boolean version,
        PrometheusAddress prometheus,
        boolean prometheusPerProcess,
        boolean mcp,
        boolean asRoot) {

    enum Format { TEXT, JSON }

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(50);
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Set<String> FLAGS = Set.of("--all", "--follow-children", "--per-process", "--verbose",
            "--help", "--version", "--prometheus-per-process", "--mcp", "--as-root");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([KkMmGg]?)[Bb]?");
    /** The longest --interval and --threshold: a day, the recorder's limit (LatencyRecorder.Config.MAX_INTERVAL_NS). */
    static final Duration MAX_INTERVAL = Duration.ofNanos(dev.mcplatencyprobe.record.LatencyRecorder.Config.MAX_INTERVAL_NS);

    /** A mistake in the command line: the message is the whole explanation. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args, Syscalls syscallTable) throws UsageException {
        Set<Long> pids = new LinkedHashSet<>();
        List<String> commands = new ArrayList<>();
        List<String> units = new ArrayList<>();
        List<String> userUnits = new ArrayList<>();
        List<String> cgroups = new ArrayList<>();
        Set<Integer> syscalls = new LinkedHashSet<>();
        List<String> launch = List.of();
        boolean all = false, follow = false, perProcess = false, verbose = false, help = false, version = false, asRoot = false;
        boolean mcp = false;
        Duration interval = DEFAULT_INTERVAL, duration = null, threshold = DEFAULT_THRESHOLD;
        Format format = Format.TEXT;
        Path outDir = null;
        int ringBytes = SyscallProbe.DEFAULT_RING_BYTES;
        PrometheusAddress prometheus = null;
        boolean prometheusPerProcess = false;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
                if (FLAGS.contains(arg)) {
                    throw new UsageException("option '" + arg + "' takes no value");
                }
            }
            switch (arg) {
                case "--" -> {
                    launch = List.of(args).subList(i + 1, args.length);
                    if (launch.isEmpty()) {
                        throw new UsageException("'--' must be followed by a command to launch");
                    }
                    i = args.length;
                }
                case "-p", "--pid" -> {
                    for (String p : (value != null ? value : next(args, ++i, arg)).split(",")) {
                        pids.add(parsePid(p));
                    }
                }
                case "-c", "--comm" -> commands.add(nonEmpty(value != null ? value : next(args, ++i, arg), arg));
                case "--unit" -> units.add(nonEmpty(value != null ? value : next(args, ++i, arg), arg));
                case "--user-unit" -> userUnits.add(nonEmpty(value != null ? value : next(args, ++i, arg), arg));
                case "--cgroup" -> cgroups.add(nonEmpty(value != null ? value : next(args, ++i, arg), arg));
                case "-a", "--all" -> all = true;
                case "-f", "--follow-children" -> follow = true;
                case "-i", "--interval" -> {
                    interval = parseDuration(value != null ? value : next(args, ++i, arg), arg);
                    if (interval.compareTo(MAX_INTERVAL) > 0) {
                        throw new UsageException("--interval " + args[i].replaceFirst("^--interval=", "")
                                + " is above the maximum of 1 day");
                    }
                    if (interval.compareTo(MIN_INTERVAL) < 0) {
                        throw new UsageException("--interval " + args[i].replaceFirst("^--interval=", "")
                                + " is below the minimum of 100ms: a report per interval must have time to be printed");
                    }
                }
                case "-d", "--duration" -> duration = parseDuration(value != null ? value : next(args, ++i, arg), arg);
                case "-t", "--threshold" -> {
                    threshold = parseDuration(value != null ? value : next(args, ++i, arg), arg);
                    if (threshold.compareTo(MAX_INTERVAL) > 0) {
                        throw new UsageException("--threshold " + args[i].replaceFirst("^--threshold=", "")
                                + " is above the maximum of 1 day");
                    }
                }
                case "-s", "--syscalls" -> {
                    for (String s : (value != null ? value : next(args, ++i, arg)).split(",")) {
                        syscalls.add(parseSyscall(s, syscallTable));
                    }
                }
                case "--format" -> format = parseFormat(value != null ? value : next(args, ++i, arg));
                case "-o", "--out" -> outDir = Path.of(nonEmpty(value != null ? value : next(args, ++i, arg), arg));
                case "--per-process" -> perProcess = true;
                case "--mcp" -> mcp = true;
                case "--ring-size" -> ringBytes = parseRingSize(value != null ? value : next(args, ++i, arg));
                case "--prometheus" -> prometheus = PrometheusAddress.parse(value != null ? value : next(args, ++i, arg));
                case "--prometheus-per-process" -> prometheusPerProcess = true;
                case "-v", "--verbose" -> verbose = true;
                case "-h", "--help" -> help = true;
                case "-V", "--version" -> version = true;
                case "--as-root" -> asRoot = true;
                default -> throw new UsageException(arg.startsWith("-")
                        ? "unknown option '" + arg + "'"
                        : "unexpected argument '" + arg + "': put a command to launch after '--'");
            }
        }
        if (prometheusPerProcess && prometheus == null) {
            throw new UsageException("--prometheus-per-process needs --prometheus [HOST:]PORT");
        }
        return new Options(pids, commands, units, userUnits, cgroups, all, launch, follow, interval, duration,
                threshold, syscalls, format, outDir, perProcess, ringBytes, verbose, help, version,
                prometheus, prometheusPerProcess, mcp, asRoot);
    }

    private static String next(String[] args, int i, String option) throws UsageException {
        // A value may start with '-' and a digit (-5s): it is then a value, refused by its parser.
        if (i >= args.length || (args[i].startsWith("-") && !args[i].matches("-\\d.*"))) {
            throw new UsageException("option '" + option + "' needs a value");
        }
        return args[i];
    }

    private static String nonEmpty(String value, String option) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException("option '" + option + "' needs a non-empty value");
        }
        return value;
    }

    static long parsePid(String s) throws UsageException {
        String t = s.trim();
        if (!t.matches("\\d{1,10}") || Long.parseLong(t) <= 0 || Long.parseLong(t) > Integer.MAX_VALUE) {
            throw new UsageException("'" + s + "' is not a PID: give a positive process id, e.g. --pid 1234");
        }
        return Long.parseLong(t);
    }

    /** "500ms", "10s", "2m", "1h", "1.5s"; a bare number is seconds. */
    static Duration parseDuration(String s, String option) throws UsageException {
        if (s.trim().startsWith("-")) {
            throw new UsageException("duration '" + s + "' for " + option + " must be positive (e.g. 500ms, 10s, 2m)");
        }
        OptionalLong nanos = Durations.parseNanos(s);
        if (nanos.isEmpty()) {
            throw new UsageException(Durations.isWrittenAsDuration(s)
                    ? "duration '" + s + "' for " + option + " is too long (at most 31 years)"
                    : "'" + s + "' is not a duration for " + option + ": use e.g. 500ms, 10s, 2m");
        }
        if (nanos.getAsLong() < 1) {
            throw new UsageException("duration '" + s + "' for " + option + " must be positive (e.g. 500ms, 10s, 2m)");
        }
        return Duration.ofNanos(nanos.getAsLong());
    }

    private static int parseSyscall(String s, Syscalls table) throws UsageException {
        OptionalInt nr = table.number(s);
        if (nr.isEmpty()) {
            throw new UsageException("unknown syscall '" + s.trim() + "' for " + table.arch()
                    + ": give names like read,write,openat or numbers");
        }
        if (nr.getAsInt() >= Syscalls.MAX_FILTERABLE) {
            throw new UsageException("syscall number " + nr.getAsInt() + " is above " + (Syscalls.MAX_FILTERABLE - 1));
        }
        return nr.getAsInt();
    }

    private static Format parseFormat(String s) throws UsageException {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "text" -> Format.TEXT;
            case "json" -> Format.JSON;
            default -> throw new UsageException("unknown format '" + s + "': use --format text or --format json");
        };
    }

    private static int parseRingSize(String s) throws UsageException {
        Matcher m = SIZE.matcher(s.trim());
        long bytes = -1;
        // Above the maximum in any unit is out of range: checked before the shift, which then cannot overflow.
        if (m.matches() && m.group(1).length() <= 10 && Long.parseLong(m.group(1)) <= SyscallProbe.MAX_RING_BYTES) {
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            bytes = Long.parseLong(m.group(1)) << shift;
        }
        if (!SyscallProbe.isValidRingBytes(bytes)) {
            throw new UsageException("ring size '" + s + "' must be a power of two from 4K to 1G, e.g. --ring-size 16M");
        }
        return (int) bytes;
    }
}
