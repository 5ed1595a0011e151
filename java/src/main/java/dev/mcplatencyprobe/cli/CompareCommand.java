package dev.mcplatencyprobe.cli;

import dev.mcplatencyprobe.compare.BadInputException;
import dev.mcplatencyprobe.compare.Comparison;
import dev.mcplatencyprobe.compare.ComparisonReport;
import dev.mcplatencyprobe.compare.ReportFile;
import dev.mcplatencyprobe.compare.Tolerances;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code probe-demo.jar compare BASE NEW [--tolerance SPEC] [--format text|json]}: exit 0 when
 * nothing regressed, 1 when something did, 2 on bad usage or input (one line on stderr).
 */
final class CompareCommand {
    static final int EXIT_REGRESSION = 1;

    static final String HELP = """
            Usage: java -jar probe-demo.jar compare BASE NEW [--tolerance SPEC] [--format text|json]

            Compares two JSON reports written by --out (or two .hlog files) and says, for all calls,
            the calls without blocking waits, each syscall and each MCP method, whether P50, P90, P99
            and P99.9 got worse (regression), better (improvement) or neither (no significant change).
            A change counts when it is larger than the tolerance AND significant: the 99% interval of a
            bootstrap of NEW - BASE from the histogram counts (2000 resamples, fixed seed) excludes 0.
            A percentile needs 20 calls and one call above it in both files (P99: 100, P99.9: 1000),
            else it says "too few calls". Needs no privileges.

              --tolerance SPEC     10% for every percentile by default; e.g. 5% for all, or
                                   p50=5%,p99=20% (the others keep 10%)
              --format text|json   text (default), or one JSON object

            Exit status: 0 nothing regressed; 1 something regressed; 2 bad usage or input
            (a missing, malformed or mismatched file).
            """;

    static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> files = new ArrayList<>();
        Tolerances tolerances = Tolerances.defaults();
        boolean json = false;
        try {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String value = null;
                if (arg.startsWith("--") && arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                    arg = arg.substring(0, arg.indexOf('='));
                }
                switch (arg) {
                    case "-h", "--help" -> {
                        out.print(HELP);
                        return 0;
                    }
                    case "--tolerance" -> tolerances = Tolerances.parse(value != null ? value : next(args, ++i, arg));
                    case "--format" -> {
                        String format = value != null ? value : next(args, ++i, arg);
                        if (!format.equals("text") && !format.equals("json")) {
                            throw new IllegalArgumentException("unknown format '" + format + "': use --format text or --format json");
                        }
                        json = format.equals("json");
                    }
                    default -> {
                        if (arg.startsWith("-") && arg.length() > 1) {
                            throw new IllegalArgumentException("unknown option '" + arg + "' for compare");
                        }
                        files.add(arg);
                    }
                }
            }
            if (files.size() != 2) {
                throw new IllegalArgumentException("compare needs two files, BASE and NEW, got " + files.size());
            }
            Comparison comparison = Comparison.of(ReportFile.read(path(files.get(0))), ReportFile.read(path(files.get(1))), tolerances);
            if (json) {
                out.println(ComparisonReport.json(comparison));
            } else {
                out.print(ComparisonReport.text(comparison));
            }
            out.flush();
            return comparison.anyRegression() ? EXIT_REGRESSION : 0;
        } catch (IllegalArgumentException e) {
            err.println(Main.NAME + " compare: " + e.getMessage() + " (see compare --help)");
            return Main.EXIT_USAGE;
        } catch (BadInputException e) {
            err.println(Main.NAME + " compare: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    private static Path path(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + s + "' is not a file name");
        }
    }

    private static String next(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException("option '" + option + "' needs a value");
        }
        return args.get(i);
    }

    private CompareCommand() {}
}
