/**
 * Stage 4: snapshots rendered for people ({@link dev.mcpprobe.report.TextReport}, the users'
 * format with bpftrace-identical histogram rows) and for machines ({@link
 * dev.mcpprobe.report.JsonReport}, one object per line).
 */
package dev.mcpprobe.report;
