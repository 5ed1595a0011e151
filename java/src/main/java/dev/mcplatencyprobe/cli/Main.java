package dev.mcplatencyprobe.cli;

import dev.mcplatencyprobe.binding.Shim;
import dev.mcplatencyprobe.binding.StartupMarks;
import dev.mcplatencyprobe.probe.ProbeException;
import dev.mcplatencyprobe.syscall.Syscalls;
import dev.mcplatencyprobe.targets.TargetException;
import java.io.PrintStream;

/**
 * {@code java -jar probe-demo.jar}: traces syscall latency of chosen processes and prints the
 * users' latency report every interval and at the end. Exit status: 0 done; the launched
 * command's status when there is one; 2 a usage or environment error; 1 a failure while running.
 */
public final class Main {
    static final String NAME = "probe-demo";
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    private Main() {}

    public static void main(String[] args) {
        StartupMarks.mark("main");
        if (args.length == 0 || !args[0].equals("compare")) {
            Shim.preload(); // JNA's start-up on the other core while the options are parsed
        }
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("compare")) {
            return CompareCommand.run(java.util.List.of(args).subList(1, args.length), out, err);
        }
        Options options;
        try {
            options = Options.parse(args, Syscalls.forCurrentArch());
            StartupMarks.mark("options_parsed");
        } catch (Options.UsageException e) {
            err.println(NAME + ": " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.print(Help.TEXT);
            return 0;
        }
        if (options.version()) {
            out.println(NAME + " " + version());
            return 0;
        }
        try {
            try {
                return new Session(options, out, err).run();
            } catch (TargetException e) { // the demo's servers are started outside the probe
                throw ProbeException.of(e);
            }
        } catch (ProbeException e) {
            err.println(NAME + ": " + e.getMessage());
            if (options.verbose()) {
                e.printStackTrace(err);
            }
            return e.kind() == ProbeException.Kind.FAILED || e.kind() == ProbeException.Kind.CLOSED ? EXIT_FAILURE : EXIT_USAGE;
        } catch (Options.UsageException e) {
            err.println(NAME + ": " + e.getMessage());
            return EXIT_USAGE;
        } catch (Exception | Error e) {
            err.println(NAME + ": failed: " + e + (options.verbose() ? "" : " (run with --verbose for details)"));
            if (options.verbose()) {
                e.printStackTrace(err);
            }
            return EXIT_FAILURE;
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
