/**
 * Stage 4: snapshots rendered for people ({@link dev.mcplatencyprobe.report.TextReport}, the users'
 * format with bpftrace-identical histogram rows) and for machines ({@link
 * dev.mcplatencyprobe.report.JsonReport}, one object per line).
 */
package dev.mcplatencyprobe.report;
