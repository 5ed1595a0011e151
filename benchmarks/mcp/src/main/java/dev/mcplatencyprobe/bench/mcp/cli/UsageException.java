package dev.mcplatencyprobe.bench.mcp.cli;

/** A command line the program cannot run: its message is the one line the user sees before exit code 2. */
public final class UsageException extends Exception {
    public static final int EXIT_USAGE = 2;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
