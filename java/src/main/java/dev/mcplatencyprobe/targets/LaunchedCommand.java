package dev.mcplatencyprobe.targets;

import dev.mcplatencyprobe.binding.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command the probe starts and traces from its first syscall after exec, with its children.
 *
 * <p>It is started as {@code sh -c 'kill -STOP $$; exec "$0" "$@"' CMD ARGS}: the shell stops
 * itself before exec, the probe puts its PID in the filter and attaches, then sends SIGCONT.
 * stdin, stdout and stderr are the probe's own.
 */
public final class LaunchedCommand {
    private static final long STOP_TIMEOUT_MS = 10_000;
    private static final String STOP_THEN_EXEC = "kill -STOP $$; exec \"$0\" \"$@\"";

    private final List<String> argv;
    private final Process process;

    private LaunchedCommand(List<String> argv, Process process) {
        this.argv = argv;
        this.process = process;
    }

    /** Checks the command can be executed, so a typo is reported before anything is loaded. */
    public static void validate(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new TargetException(TargetException.Kind.BAD_TARGET, "no command given to launch");
        }
        String cmd = argv.get(0);
        if (cmd.contains("/")) {
            Path p = Path.of(cmd);
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new TargetException(TargetException.Kind.BAD_TARGET, "cannot execute '" + cmd + "': "
                        + (Files.exists(p) ? "not an executable file" : "no such file"));
            }
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, cmd);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return;
            }
        }
        throw new TargetException(TargetException.Kind.BAD_TARGET, "cannot execute '" + cmd + "': command not found in PATH");
    }

    /**
     * Starts the command stopped before its exec; returns once the kernel reports it stopped.
     * With a user, the stopping shell already runs as that user (setpriv before it): the command
     * never runs with the probe's privileges, and the switch is not traced.
     */
    public static LaunchedCommand startStopped(List<String> argv, InvokingUser as) {
        List<String> shell = new ArrayList<>(as != null ? as.commandPrefix() : List.of());
        shell.addAll(List.of("/bin/sh", "-c", STOP_THEN_EXEC));
        shell.addAll(argv);
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(shell).inheritIO();
            if (as != null) {
                as.applyEnvironment(builder.environment());
            }
            process = builder.start();
        } catch (IOException e) {
            throw new TargetException(TargetException.Kind.BAD_TARGET, "cannot start '" + argv.get(0) + "': " + e.getMessage(), e);
        }
        LaunchedCommand launched = new LaunchedCommand(List.copyOf(argv), process);
        launched.awaitStopped();
        return launched;
    }

    private void awaitStopped() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS);
        Path stat = Path.of("/proc/" + process.pid() + "/stat");
        while (System.nanoTime() < deadline) {
            try {
                String s = Files.readString(stat);
                // "pid (comm) S ...": the state follows the last ')'.
                if (s.charAt(s.lastIndexOf(')') + 2) == 'T') {
                    return;
                }
            } catch (IOException e) {
                break; // exited
            }
            if (!process.isAlive()) {
                break;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new TargetException(TargetException.Kind.FAILED, "the launched command did not reach its start point: '" + argv.get(0) + "'");
    }

    /** Lets the stopped command run: it execs into the traced program. */
    public void release() {
        if (LibC.kill((int) process.pid(), LibC.SIGCONT) != 0) {
            throw new TargetException(TargetException.Kind.FAILED, "cannot resume the launched command (pid " + process.pid() + ")");
        }
    }

    public void kill() {
        process.destroyForcibly();
    }

    public long pid() { return process.pid(); }
    public List<String> argv() { return argv; }
    public Process process() { return process; }
    public boolean isAlive() { return process.isAlive(); }

    /** Waits for the command to exit and returns its exit status (128 + signal when killed by one). */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }
}
