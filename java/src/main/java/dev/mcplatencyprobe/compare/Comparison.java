package dev.mcplatencyprobe.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * BASE against NEW, row by row (the overall distributions, each syscall, each MCP method) and
 * percentile by percentile. A percentile is a REGRESSION when NEW is slower than BASE by more than
 * its tolerance AND the bootstrap interval of NEW - BASE ({@link QuantileBootstrap}) lies above 0;
 * an IMPROVEMENT the same way round; otherwise NO_CHANGE. A percentile needs {@link #MIN_CALLS}
 * calls and at least one call above it in both files (P99 needs 100 calls, P99.9 1,000), else it is
 * TOO_FEW_CALLS: with fewer, the percentile is just the maximum. A row is a regression when one of
 * its percentiles is, else an improvement when one is.
 */
public final class Comparison {
    /** Below this, a row is not decided: the bootstrap of a handful of calls says little. */
    public static final long MIN_CALLS = 20;

    public enum Decision {
        REGRESSION("regression"), IMPROVEMENT("improvement"), NO_CHANGE("no significant change"),
        TOO_FEW_CALLS("too few calls"), NO_DISTRIBUTION("no distribution"), ONLY_IN_BASE("only in BASE"),
        ONLY_IN_NEW("only in NEW");

        private final String label;

        Decision(String label) {
            this.label = label;
        }

        public String label() { return label; }
    }

    /** One percentile of one row; latencies in ns, -1 where a file has no value. */
    public record PercentileResult(double percentile, long baseNs, long newNs, double relative, long lowNs, long highNs,
            Decision decision) {
        public long differenceNs() { return newNs - baseNs; }
    }

    public record RowResult(Row.Group group, String name, long baseCount, long newCount, Decision decision,
            List<PercentileResult> percentiles) {}

    private final ReportFile base;
    private final ReportFile next;
    private final Tolerances tolerances;
    private final List<RowResult> rows;

    private Comparison(ReportFile base, ReportFile next, Tolerances tolerances, List<RowResult> rows) {
        this.base = base;
        this.next = next;
        this.tolerances = tolerances;
        this.rows = rows;
    }

    public ReportFile base() { return base; }
    public ReportFile next() { return next; }
    public Tolerances tolerances() { return tolerances; }
    public List<RowResult> rows() { return rows; }

    public boolean anyRegression() { return count(Decision.REGRESSION) > 0; }

    public long count(Decision decision) { return rows.stream().filter(r -> r.decision() == decision).count(); }

    /** The row of the overall distribution of all calls. */
    public RowResult overall() {
        return rows.stream().filter(r -> r.group() == Row.Group.OVERALL && r.name().equals(ReportFile.ALL_CALLS))
                .findFirst().orElseThrow();
    }

    /** Compares two reports of the same kind and subject; else {@link BadInputException}. */
    public static Comparison of(ReportFile base, ReportFile next, Tolerances tolerances) throws BadInputException {
        if (base.kind() != next.kind()) {
            throw new BadInputException("cannot compare a " + describe(base) + " with a " + describe(next)
                    + ": give two JSON reports or two .hlog files");
        }
        if (!java.util.Objects.equals(base.subject(), next.subject())) {
            throw new BadInputException("BASE is the report of " + subject(base) + " and NEW of " + subject(next)
                    + ": compare reports of the same processes");
        }
        List<RowResult> results = new ArrayList<>();
        for (Map.Entry<String, Row> e : base.rows().entrySet()) {
            Row other = next.rows().get(e.getKey());
            results.add(other == null ? oneSided(e.getValue(), Decision.ONLY_IN_BASE) : compare(e.getValue(), other, tolerances));
        }
        for (Map.Entry<String, Row> e : next.rows().entrySet()) {
            if (!base.rows().containsKey(e.getKey())) {
                results.add(oneSided(e.getValue(), Decision.ONLY_IN_NEW));
            }
        }
        return new Comparison(base, next, tolerances, List.copyOf(results));
    }

    private static String describe(ReportFile f) {
        return (f.kind() == ReportFile.Kind.JSON ? "JSON report" : ".hlog") + " (" + f.path() + ")";
    }

    private static String subject(ReportFile f) {
        return f.subject() == null ? "every traced process" : "'" + f.subject() + "'";
    }

    private static RowResult oneSided(Row row, Decision decision) {
        boolean inBase = decision == Decision.ONLY_IN_BASE;
        return new RowResult(row.group(), row.name(), inBase ? row.count() : 0, inBase ? 0 : row.count(), decision, List.of());
    }

    private static RowResult compare(Row base, Row next, Tolerances tolerances) {
        if (base.histogram() == null || next.histogram() == null) {
            return new RowResult(base.group(), base.name(), base.count(), next.count(), Decision.NO_DISTRIBUTION, List.of());
        }
        QuantileBootstrap.Cdf b = base.count() > 0 ? new QuantileBootstrap.Cdf(base.histogram()) : null;
        QuantileBootstrap.Cdf n = next.count() > 0 ? new QuantileBootstrap.Cdf(next.histogram()) : null;
        List<PercentileResult> results = new ArrayList<>();
        for (double p : Tolerances.PERCENTILES) {
            long baseNs = b == null ? -1 : clamp(b.valueAtPercentile(p), base.maxNs());
            long newNs = n == null ? -1 : clamp(n.valueAtPercentile(p), next.maxNs());
            double relative = baseNs > 0 && newNs >= 0 ? (double) (newNs - baseNs) / baseNs : Double.NaN;
            if (!enoughCalls(base.count(), p) || !enoughCalls(next.count(), p)) {
                results.add(new PercentileResult(p, baseNs, newNs, relative, 0, 0, Decision.TOO_FEW_CALLS));
                continue;
            }
            // Each percentile of each row from the same seed: two rows with the same data get the same decision.
            long[] interval = QuantileBootstrap.differenceInterval(b, n, p, new SplittableRandom(QuantileBootstrap.SEED));
            double tolerance = tolerances.of(p);
            Decision d = Decision.NO_CHANGE;
            if (relative > tolerance && interval[0] > 0) {
                d = Decision.REGRESSION;
            } else if (relative < -tolerance && interval[1] < 0) {
                d = Decision.IMPROVEMENT;
            }
            results.add(new PercentileResult(p, baseNs, newNs, relative, interval[0], interval[1], d));
        }
        Decision row;
        if (results.stream().anyMatch(r -> r.decision() == Decision.REGRESSION)) {
            row = Decision.REGRESSION;
        } else if (results.stream().anyMatch(r -> r.decision() == Decision.IMPROVEMENT)) {
            row = Decision.IMPROVEMENT;
        } else if (results.stream().allMatch(r -> r.decision() == Decision.TOO_FEW_CALLS)) {
            row = Decision.TOO_FEW_CALLS;
        } else {
            row = Decision.NO_CHANGE;
        }
        return new RowResult(base.group(), base.name(), base.count(), next.count(), row, List.copyOf(results));
    }

    /** At least {@link #MIN_CALLS} calls and one above the percentile: n * (1 - p) >= 1. */
    static boolean enoughCalls(long count, double percentile) {
        return count >= MIN_CALLS && count * (100 - percentile) / 100 >= 1 - 1e-9;
    }

    /** The histogram's bucket can end above the exact maximum: the report's percentiles never do. */
    private static long clamp(long ns, long maxNs) {
        return maxNs >= 0 ? Math.min(ns, maxNs) : ns;
    }
}
