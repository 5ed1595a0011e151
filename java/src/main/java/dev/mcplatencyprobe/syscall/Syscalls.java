package dev.mcplatencyprobe.syscall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Syscall number to name, for one architecture. The tables are generated from the kernel's
 * UAPI headers by scripts/gen-syscall-tables.sh; numbers they do not know read as {@code syscall_N}.
 */
public final class Syscalls {
    /** Syscall numbers the kernel program can filter on: 0..MAX_FILTERABLE-1 (see MLP_SYSCALL_MASK_WORDS). */
    public static final int MAX_FILTERABLE = 512;

    /**
     * Syscalls whose latency is, by design, waiting: for an event, a timeout, a lock holder, a
     * child or a client. A parked JVM thread sits in {@code futex}, an idle selector in
     * {@code epoll_wait} for its whole timeout, so their latency is idle time, not what the kernel
     * costs. Names missing on an architecture (aarch64 has no {@code poll}, {@code epoll_wait},
     * {@code select}, {@code pause}) are skipped.
     *
     * <p>{@code read}, {@code recvfrom}, {@code recvmsg} and the like are not in the list: whether
     * they wait depends on the file descriptor (a blocking socket waits for its peer, a file or a
     * non-blocking socket does not, and NIO servers use the latter), so they stay counted.
     */
    public static final List<String> BLOCKING_WAITS = List.of(
            "futex", "futex_waitv", "futex_wait",
            "epoll_wait", "epoll_pwait", "epoll_pwait2", "poll", "ppoll", "select", "pselect6",
            "nanosleep", "clock_nanosleep", "pause", "rt_sigsuspend", "rt_sigtimedwait",
            "wait4", "waitid", "accept", "accept4",
            "io_getevents", "io_pgetevents", "io_uring_enter",
            "msgrcv", "semop", "semtimedop", "mq_timedreceive", "restart_syscall");

    private static volatile Syscalls current;

    private final String arch;
    private final String[] names;
    private final Map<String, Integer> numbers;
    /** By syscall number: is it one of {@link #BLOCKING_WAITS}. */
    private final boolean[] blockingWait;

    private Syscalls(String arch, String[] names, Map<String, Integer> numbers) {
        this.arch = arch;
        this.names = names;
        this.numbers = numbers;
        this.blockingWait = new boolean[names.length];
        for (String wait : BLOCKING_WAITS) {
            Integer nr = numbers.get(wait);
            if (nr != null) {
                blockingWait[nr] = true;
            }
        }
    }

    /** The table for the architecture this JVM runs on (x86_64 or aarch64). */
    public static Syscalls forCurrentArch() {
        Syscalls table = current;
        if (table == null) {
            String osArch = System.getProperty("os.arch");
            table = forArch(osArch.equals("amd64") ? "x86_64" : osArch);
            current = table;
        }
        return table;
    }

    /** The table for {@code x86_64} or {@code aarch64}. */
    public static Syscalls forArch(String arch) {
        String resource = "syscalls-" + arch + ".tsv";
        try (InputStream in = Syscalls.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no syscall table for architecture " + arch + " (have x86_64, aarch64)");
            }
            return parse(arch, in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    private static Syscalls parse(String arch, InputStream in) throws IOException {
        Map<String, Integer> numbers = new HashMap<>();
        int max = -1;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            int nr = Integer.parseInt(line.substring(0, tab));
            numbers.put(line.substring(tab + 1), nr);
            max = Math.max(max, nr);
        }
        String[] names = new String[max + 1];
        numbers.forEach((name, nr) -> {
            // Two names for one number (an alias): keep the shorter, usual one.
            if (names[nr] == null || name.length() < names[nr].length()) {
                names[nr] = name;
            }
        });
        for (int nr = 0; nr < names.length; nr++) {
            if (names[nr] == null) {
                names[nr] = "syscall_" + nr;
            }
        }
        return new Syscalls(arch, names, Map.copyOf(numbers));
    }

    public String arch() { return arch; }

    /**
     * Numbers 0..tableSize()-1 are this architecture's syscalls (or gaps in its table, named
     * {@code syscall_N}); a recorder counts every other number in one "unknown" row.
     */
    public int tableSize() { return names.length; }

    /** The name of syscall {@code nr}, or {@code syscall_<nr>} when the table does not know it. */
    public String name(int nr) {
        return nr >= 0 && nr < names.length ? names[nr] : "syscall_" + nr;
    }

    /** The number of a syscall given by name ({@code read}) or number ({@code 0}); empty if unknown. */
    public OptionalInt number(String nameOrNumber) {
        String s = nameOrNumber.trim().toLowerCase(Locale.ROOT);
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            try {
                return OptionalInt.of(Integer.parseInt(s));
            } catch (NumberFormatException tooLarge) {
                return OptionalInt.empty();
            }
        }
        if (s.startsWith("syscall_")) {
            return number(s.substring("syscall_".length()));
        }
        Integer nr = numbers.get(s);
        return nr == null ? OptionalInt.empty() : OptionalInt.of(nr);
    }

    /**
     * Whether syscall {@code nr} is a blocking wait ({@link #BLOCKING_WAITS}): its latency is time
     * spent waiting by design. False for numbers the table does not know.
     */
    public boolean isBlockingWait(int nr) {
        return nr >= 0 && nr < blockingWait.length && blockingWait[nr];
    }

    /** Syscall numbers (0..{@link #MAX_FILTERABLE}-1) as the kernel program's bitmap: bit {@code nr % 64} of word {@code nr / 64}. */
    public static long[] bitmap(Iterable<Integer> numbers) {
        long[] words = new long[MAX_FILTERABLE / 64];
        for (int nr : numbers) {
            if (nr < 0 || nr >= MAX_FILTERABLE) {
                throw new IllegalArgumentException("syscall number " + nr + " outside 0.." + (MAX_FILTERABLE - 1));
            }
            words[nr >>> 6] |= 1L << (nr & 63);
        }
        return words;
    }

    /** The {@link #BLOCKING_WAITS} this architecture has, in the list's order. */
    public List<String> blockingWaitNames() {
        return BLOCKING_WAITS.stream().filter(numbers::containsKey).toList();
    }
}
