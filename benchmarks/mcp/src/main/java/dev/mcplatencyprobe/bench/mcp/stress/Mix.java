package dev.mcplatencyprobe.bench.mcp.stress;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The share of each {@link Operation} in the workload, as weights (they need not add up to 100).
 * The default follows the users' old stress test: about 85% tools/call, 5% tools/list, 5% ping,
 * 1.5% deliberately bad calls and 5% new sessions. Immutable.
 */
final class Mix {
    static final String DEFAULT_SPEC = "call=83.5,list=5,ping=5,bad=1.5,session=5";

    private final Map<Operation, Double> weights;
    private final Operation[] ops;
    private final double[] cumulative;

    private Mix(Map<Operation, Double> weights) {
        this.weights = new EnumMap<>(weights);
        this.ops = this.weights.keySet().toArray(Operation[]::new);
        this.cumulative = new double[ops.length];
        double sum = 0;
        for (int i = 0; i < ops.length; i++) {
            sum += this.weights.get(ops[i]);
            cumulative[i] = sum;
        }
    }

    static Mix defaults() {
        try {
            return parse(DEFAULT_SPEC);
        } catch (UsageException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "call=83.5,list=5,ping=5,bad=1.5,session=5"; operations left out get weight 0. */
    static Mix parse(String spec) throws UsageException {
        Map<Operation, Double> w = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            w.put(op, 0.0);
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            Operation op = null;
            for (Operation o : Operation.values()) {
                if (o.key().equals(kv[0].trim().toLowerCase(Locale.ROOT))) {
                    op = o;
                }
            }
            if (op == null || kv.length != 2) {
                throw new UsageException("--mix: '" + part.trim() + "' is not NAME=WEIGHT with NAME one of call, list, ping, bad, session");
            }
            double v;
            try {
                v = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--mix: weight '" + kv[1].trim() + "' of " + op.key() + " is not a number");
            }
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new UsageException("--mix: weight of " + op.key() + " must be >= 0");
            }
            w.put(op, v);
        }
        if (w.get(Operation.TOOL_CALL) + w.get(Operation.TOOLS_LIST) + w.get(Operation.PING) + w.get(Operation.BAD_CALL) <= 0) {
            throw new UsageException("--mix: give some weight to call, list, ping or bad (sessions alone send no requests)");
        }
        return new Mix(w);
    }

    /**
     * This mix without new sessions, their weight moved to tools/call: over stdio the process is the
     * session, and starting a JVM per "new session" would measure process start-up, not MCP.
     */
    Mix withoutNewSessions() {
        Map<Operation, Double> w = new EnumMap<>(weights);
        w.put(Operation.TOOL_CALL, w.get(Operation.TOOL_CALL) + w.get(Operation.NEW_SESSION));
        w.put(Operation.NEW_SESSION, 0.0);
        return new Mix(w);
    }

    double weight(Operation op) {
        return weights.get(op);
    }

    Operation draw(RandomGenerator random) {
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < ops.length; i++) {
            if (x < cumulative[i]) {
                return ops[i];
            }
        }
        return ops[ops.length - 1];
    }

    String spec() {
        StringBuilder b = new StringBuilder();
        for (Operation op : ops) {
            if (b.length() > 0) {
                b.append(',');
            }
            double v = weights.get(op);
            b.append(op.key()).append('=').append(v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v));
        }
        return b.toString();
    }
}
