package dev.mcplatencyprobe.compare;

import org.HdrHistogram.Histogram;

/**
 * One distribution of a report that {@code compare} matches by {@link #key()}: the overall ones,
 * one per syscall, one per MCP method. {@code histogram} (ns) is null when the report gives only
 * a count for it; {@code maxNs} is the exact maximum when known, else -1.
 */
public record Row(Group group, String name, long count, Histogram histogram, long maxNs) {
    public enum Group {
        OVERALL("overall"), SYSCALL("syscall"), MCP("mcp method");

        private final String label;

        Group(String label) {
            this.label = label;
        }

        public String label() { return label; }
    }

    public String key() { return group + ":" + name; }
}
