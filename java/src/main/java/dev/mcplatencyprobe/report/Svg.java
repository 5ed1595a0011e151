package dev.mcplatencyprobe.report;

import java.util.Locale;

/** The few SVG pieces the HTML report draws with: scales, axes, text, all escaped. */
final class Svg {
    static final int WIDTH = 920;
    static final int HEIGHT = 330;
    static final int LEFT = 78;
    static final int RIGHT = 78;
    static final int TOP = 30;
    static final int BOTTOM = 52;

    /** Maps a domain to pixels, linearly or on a log10 axis. */
    record Scale(double min, double max, double fromPx, double toPx, boolean log) {
        static Scale linear(double min, double max, double fromPx, double toPx) {
            return new Scale(min, max == min ? min + 1 : max, fromPx, toPx, false);
        }

        static Scale log(double min, double max, double fromPx, double toPx) {
            return new Scale(min, max <= min ? min * 10 : max, fromPx, toPx, true);
        }

        double px(double value) {
            double v = log ? Math.log10(Math.max(value, min)) : value;
            double lo = log ? Math.log10(min) : min;
            double hi = log ? Math.log10(max) : max;
            double clamped = Math.max(lo, Math.min(hi, v));
            return fromPx + (clamped - lo) / (hi - lo) * (toPx - fromPx);
        }
    }

    static double plotLeft() { return LEFT; }
    static double plotRight() { return WIDTH - RIGHT; }
    static double plotTop() { return TOP; }
    static double plotBottom() { return HEIGHT - BOTTOM; }

    static void open(StringBuilder out, String id, String label) {
        out.append("<svg id=\"").append(id).append("\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(Html.escape(label)).append("\">\n");
        out.append("<title>").append(Html.escape(label)).append("</title>\n");
    }

    static void close(StringBuilder out) {
        out.append("</svg>\n");
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static void line(StringBuilder out, String cssClass, double x1, double y1, double x2, double y2) {
        out.append("<line class=\"").append(cssClass).append("\" x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1))
                .append("\" x2=\"").append(num(x2)).append("\" y2=\"").append(num(y2)).append("\"/>\n");
    }

    static void text(StringBuilder out, String cssClass, double x, double y, String anchor, String content) {
        out.append("<text class=\"").append(cssClass).append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" text-anchor=\"").append(anchor).append("\">").append(Html.escape(content)).append("</text>\n");
    }

    /** A vertical axis title, rotated, centred on the plot's height. */
    static void verticalTitle(StringBuilder out, double x, String content) {
        double y = (plotTop() + plotBottom()) / 2;
        out.append("<text class=\"axis-title\" transform=\"translate(").append(num(x)).append(',').append(num(y))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(Html.escape(content)).append("</text>\n");
    }

    /** The frame's bottom and left lines and the x axis title. */
    static void frame(StringBuilder out, String xTitle) {
        line(out, "axis", plotLeft(), plotBottom(), plotRight(), plotBottom());
        line(out, "axis", plotLeft(), plotTop(), plotLeft(), plotBottom());
        text(out, "axis-title", (plotLeft() + plotRight()) / 2, HEIGHT - 10, "middle", xTitle);
    }

    /** Ticks on the x axis at each power of ten of a log scale of ns, labelled as latencies. */
    static void logLatencyTicksX(StringBuilder out, Scale x) {
        for (double v = x.min(); v <= x.max() * 1.0001; v *= 10) {
            double px = x.px(v);
            line(out, "grid", px, plotTop(), px, plotBottom());
            text(out, "tick", px, plotBottom() + 16, "middle", Durations.limit((long) Math.round(v)));
        }
    }

    /** Ticks on the y axis at each power of ten of a log scale of ns. */
    static void logLatencyTicksY(StringBuilder out, Scale y) {
        for (double v = y.min(); v <= y.max() * 1.0001; v *= 10) {
            double py = y.px(v);
            line(out, "grid", plotLeft(), py, plotRight(), py);
            text(out, "tick", plotLeft() - 6, py + 4, "end", Durations.limit((long) Math.round(v)));
        }
    }

    /** About five ticks on a linear axis starting at 0, at round steps. */
    static void linearTicks(StringBuilder out, Scale s, boolean vertical, boolean rightSide, String suffix) {
        double step = niceStep(s.max() / 5);
        for (double v = 0; v <= s.max() * 1.0001; v += step) {
            double p = s.px(v);
            String label = (step >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v)) + suffix;
            if (vertical) {
                if (!rightSide) {
                    line(out, "grid", plotLeft(), p, plotRight(), p);
                }
                text(out, "tick", rightSide ? plotRight() + 6 : plotLeft() - 6, p + 4, rightSide ? "start" : "end", label);
            } else {
                line(out, "grid", p, plotTop(), p, plotBottom());
                text(out, "tick", p, plotBottom() + 16, "middle", label);
            }
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * pow >= raw) {
                return m * pow;
            }
        }
        return 10 * pow;
    }

    /** A round top for a linear axis of counts. */
    static double niceMax(double max) {
        double step = niceStep(Math.max(max, 1) / 5);
        return Math.ceil(Math.max(max, 1) / step) * step;
    }

    static double pow10Floor(double v) {
        return Math.pow(10, Math.floor(Math.log10(Math.max(v, 1))));
    }

    static double pow10Ceil(double v) {
        return Math.pow(10, Math.ceil(Math.log10(Math.max(v, 1))));
    }

    private Svg() {}
}
