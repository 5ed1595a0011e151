package dev.mcplatencyprobe.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code java -cp probe-demo.jar dev.mcplatencyprobe.cli.ReportFileTool DIR BASE EXT < content}: writes
 * stdin as a report file with {@link ReportFiles}' guarantees and prints the path written. For
 * scripts (scripts/run_mcp_benchmark.sh), so that they write reports through the same code.
 */
public final class ReportFileTool {
    private ReportFileTool() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: ReportFileTool DIR BASE EXT < content");
            System.exit(Main.EXIT_USAGE);
        }
        try {
            System.out.println(ReportFiles.write(Path.of(args[0]), args[1], args[2], System.in::transferTo));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("cannot write the report: " + e.getMessage());
            System.exit(Main.EXIT_FAILURE);
        }
    }
}
