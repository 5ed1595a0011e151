package dev.mcplatencyprobe.compare;

import dev.mcplatencyprobe.compare.Comparison.Decision;
import dev.mcplatencyprobe.compare.Comparison.PercentileResult;
import dev.mcplatencyprobe.compare.Comparison.RowResult;
import dev.mcplatencyprobe.report.Durations;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A {@link Comparison} for people (text) and for machines (one JSON object on one line). */
public final class ComparisonReport {
    static final String TEST = "percentile bootstrap: " + QuantileBootstrap.RESAMPLES
            + " resamples of each file's histogram counts (fixed seed), " + Math.round(QuantileBootstrap.CONFIDENCE * 100)
            + "% interval of NEW - BASE";

    public static String text(Comparison c) {
        StringBuilder out = new StringBuilder(4096);
        out.append("BASE: ").append(c.base().path()).append(" (").append(c.overall().baseCount()).append(" calls)\n");
        out.append("NEW:  ").append(c.next().path()).append(" (").append(c.overall().newCount()).append(" calls)\n");
        out.append("Test: ").append(TEST).append("; a percentile changed when it moved by more than its tolerance (")
                .append(tolerances(c.tolerances())).append(") and the interval excludes 0. A percentile needs ")
                .append(Comparison.MIN_CALLS).append(" calls and one call above it in both files.\n");
        for (RowResult row : c.rows()) {
            out.append('\n').append(row.group().label()).append(' ').append(row.name()).append(" (")
                    .append(row.baseCount()).append(" -> ").append(row.newCount()).append(" calls): ")
                    .append(row.decision().label());
            boolean detailed = (row.group() == Row.Group.OVERALL && row.decision() != Decision.TOO_FEW_CALLS)
                    || row.decision() == Decision.REGRESSION || row.decision() == Decision.IMPROVEMENT;
            if (row.percentiles().isEmpty()) {
                out.append('\n');
            } else if (!detailed) {
                out.append(" (").append(row.percentiles().stream()
                        .map(p -> name(p.percentile()) + " " + (Double.isNaN(p.relative()) ? "n/a" : percent(p.relative())))
                        .collect(Collectors.joining(", "))).append(")\n");
            } else {
                out.append('\n');
                out.append(String.format(Locale.ROOT, "  %-6s %10s %10s %10s %8s  %-24s %s%n", "", "BASE", "NEW", "diff",
                        "rel", Math.round(QuantileBootstrap.CONFIDENCE * 100) + "% interval", "decision"));
                for (PercentileResult p : row.percentiles()) {
                    String interval = p.decision() == Decision.TOO_FEW_CALLS ? "-"
                            : "[" + signed(p.lowNs()) + ", " + signed(p.highNs()) + "]";
                    out.append(String.format(Locale.ROOT, "  %-6s %10s %10s %10s %8s  %-24s %s%n", name(p.percentile()),
                            p.baseNs() < 0 ? "-" : Durations.latency(p.baseNs()), p.newNs() < 0 ? "-" : Durations.latency(p.newNs()),
                            p.baseNs() < 0 || p.newNs() < 0 ? "-" : signed(p.differenceNs()),
                            Double.isNaN(p.relative()) ? "-" : percent(p.relative()), interval, p.decision().label()));
                }
            }
        }
        out.append('\n').append("Result: ").append(c.anyRegression() ? "REGRESSION" : "no regression").append(": ");
        List<RowResult> regressed = c.rows().stream().filter(r -> r.decision() == Decision.REGRESSION).toList();
        out.append(regressed.size()).append(regressed.size() == 1 ? " row regressed" : " rows regressed");
        if (!regressed.isEmpty()) {
            out.append(" (").append(regressed.stream().map(r -> r.group().label() + " " + r.name() + " at "
                    + r.percentiles().stream().filter(p -> p.decision() == Decision.REGRESSION).map(p -> name(p.percentile()))
                            .collect(Collectors.joining("/"))).collect(Collectors.joining(", "))).append(')');
        }
        out.append(", ").append(c.count(Decision.IMPROVEMENT)).append(" improved, ").append(c.count(Decision.NO_CHANGE))
                .append(" no significant change, ").append(c.count(Decision.TOO_FEW_CALLS)).append(" too few calls");
        long oneSided = c.count(Decision.ONLY_IN_BASE) + c.count(Decision.ONLY_IN_NEW);
        if (oneSided > 0) {
            out.append(", ").append(oneSided).append(" in one file only");
        }
        if (c.count(Decision.NO_DISTRIBUTION) > 0) {
            out.append(", ").append(c.count(Decision.NO_DISTRIBUTION)).append(" without a distribution");
        }
        out.append(".\n");
        return out.toString();
    }

    public static String json(Comparison c) {
        StringBuilder out = new StringBuilder(4096);
        out.append("{\"compare\":\"mcp_latency\",\"base\":");
        file(out, c.base());
        out.append(",\"new\":");
        file(out, c.next());
        out.append(",\"test\":");
        string(out, TEST);
        out.append(",\"resamples\":").append(QuantileBootstrap.RESAMPLES)
                .append(",\"confidence\":").append(QuantileBootstrap.CONFIDENCE)
                .append(",\"seed\":").append(QuantileBootstrap.SEED)
                .append(",\"min_calls\":").append(Comparison.MIN_CALLS)
                .append(",\"tolerance\":{");
        String separator = "";
        for (double p : Tolerances.PERCENTILES) {
            out.append(separator).append('"').append(key(p)).append("\":").append(c.tolerances().of(p));
            separator = ",";
        }
        out.append("},\"rows\":[");
        separator = "";
        for (RowResult row : c.rows()) {
            out.append(separator).append("{\"group\":");
            string(out, row.group().label());
            out.append(",\"name\":");
            string(out, row.name());
            out.append(",\"base_count\":").append(row.baseCount()).append(",\"new_count\":").append(row.newCount())
                    .append(",\"decision\":");
            string(out, row.decision().label());
            out.append(",\"percentiles\":[");
            String inner = "";
            for (PercentileResult p : row.percentiles()) {
                boolean decided = p.decision() != Decision.TOO_FEW_CALLS;
                out.append(inner).append("{\"percentile\":\"").append(key(p.percentile())).append('"')
                        .append(",\"base_ns\":").append(p.baseNs() < 0 ? "null" : Long.toString(p.baseNs()))
                        .append(",\"new_ns\":").append(p.newNs() < 0 ? "null" : Long.toString(p.newNs()))
                        .append(",\"diff_ns\":").append(p.baseNs() < 0 || p.newNs() < 0 ? "null" : Long.toString(p.differenceNs()))
                        .append(",\"relative\":").append(Double.isNaN(p.relative()) ? "null"
                                : String.format(Locale.ROOT, "%.4f", p.relative()))
                        .append(",\"interval_ns\":").append(decided ? "[" + p.lowNs() + "," + p.highNs() + "]" : "null")
                        .append(",\"decision\":");
                string(out, p.decision().label());
                out.append('}');
                inner = ",";
            }
            out.append("]}");
            separator = ",";
        }
        out.append("],\"regressions\":").append(c.count(Decision.REGRESSION))
                .append(",\"improvements\":").append(c.count(Decision.IMPROVEMENT))
                .append(",\"result\":\"").append(c.anyRegression() ? "regression" : "no regression").append("\"}");
        return out.toString();
    }

    private static void file(StringBuilder out, ReportFile f) {
        out.append("{\"path\":");
        string(out, f.path().toString());
        out.append(",\"kind\":\"").append(f.kind() == ReportFile.Kind.JSON ? "json" : "hlog").append("\"}");
    }

    private static String tolerances(Tolerances t) {
        StringBuilder out = new StringBuilder();
        for (double p : Tolerances.PERCENTILES) {
            out.append(out.length() == 0 ? "" : ", ").append(name(p)).append(' ')
                    .append(String.format(Locale.ROOT, "%.4g", t.of(p) * 100).replaceAll("\\.?0+$", "")).append('%');
        }
        return out.toString();
    }

    static String name(double percentile) {
        return percentile == 99.9 ? "P99.9" : "P" + (int) percentile;
    }

    private static String key(double percentile) {
        return percentile == 99.9 ? "p99.9" : "p" + (int) percentile;
    }

    private static String signed(long ns) {
        return ns > 0 ? "+" + Durations.latency(ns) : ns == 0 ? "0" : Durations.latency(ns);
    }

    private static String percent(double relative) {
        return String.format(Locale.ROOT, "%+.1f%%", relative * 100);
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20 || ch == '\u2028' || ch == '\u2029') {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        out.append('"');
    }

    private ComparisonReport() {}
}
