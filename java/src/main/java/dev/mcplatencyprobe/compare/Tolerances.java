package dev.mcplatencyprobe.compare;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The relative change of each compared percentile that counts as a change at all: 10% by default
 * for each of P50, P90, P99, P99.9. {@code --tolerance 5%} sets all four, {@code --tolerance
 * p50=5%,p99=10%} the named ones (the others keep 10%).
 */
public record Tolerances(Map<Double, Double> byPercentile) {
    /** The percentiles compare decides on, in report order. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9};
    public static final double DEFAULT = 0.10;

    public static Tolerances defaults() {
        Map<Double, Double> map = new LinkedHashMap<>();
        for (double p : PERCENTILES) {
            map.put(p, DEFAULT);
        }
        return new Tolerances(Map.copyOf(map));
    }

    public double of(double percentile) { return byPercentile.get(percentile); }

    /** Parses {@code 5%}, {@code 0.05}, or {@code p50=5%,p99=10%}; the message of the exception is one line. */
    public static Tolerances parse(String spec) throws IllegalArgumentException {
        Map<Double, Double> map = new LinkedHashMap<>(defaults().byPercentile());
        if (spec.isBlank()) {
            throw new IllegalArgumentException("--tolerance needs a value, e.g. 10% or p50=5%,p99=10%");
        }
        for (String part : spec.split(",", -1)) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int eq = p.indexOf('=');
            if (eq < 0) {
                double value = fraction(p, spec);
                map.replaceAll((k, v) -> value);
                continue;
            }
            double percentile = switch (p.substring(0, eq).trim()) {
                case "p50" -> 50;
                case "p90" -> 90;
                case "p99" -> 99;
                case "p99.9", "p999" -> 99.9;
                default -> throw new IllegalArgumentException("--tolerance '" + spec + "': percentiles are p50, p90, p99, p99.9");
            };
            map.put(percentile, fraction(p.substring(eq + 1).trim(), spec));
        }
        return new Tolerances(Map.copyOf(map));
    }

    private static double fraction(String s, String spec) {
        try {
            boolean percent = s.endsWith("%");
            BigDecimal v = new BigDecimal(percent ? s.substring(0, s.length() - 1).trim() : s);
            double f = percent ? v.doubleValue() / 100 : v.doubleValue();
            if (!(f >= 0 && f <= 10)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tolerance '" + spec + "': give a share like 10% or 0.1 (0% to 1000%)");
        }
    }
}
