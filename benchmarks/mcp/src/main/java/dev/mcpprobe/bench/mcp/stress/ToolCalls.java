package dev.mcpprobe.bench.mcp.stress;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The tools/call requests the stress test sends to one server, built from that server's tools/list:
 * valid arguments for the reference tools (think, remember, recall) and for any tool that needs
 * none, and two kinds of deliberately bad call. Immutable; the per-user state of a thought chain
 * lives in {@link Chain}.
 */
final class ToolCalls {
    static final String UNKNOWN_TOOL = "no_such_tool";

    private static final String[] WORDS = {
        "latency", "syscall", "server", "session", "request", "thought", "memory", "kernel", "probe",
        "histogram", "percentile", "budget", "queue", "socket", "epoll", "futex", "write", "read",
        "cache", "tail", "spike", "steady", "design", "decide", "measure", "trace", "context", "tool",
    };
    private static final String[] TAGS = {"design", "ops", "latency", "todo", "note"};

    private final List<String> callable;
    private final List<String> skipped;

    private ToolCalls(List<String> callable, List<String> skipped) {
        this.callable = List.copyOf(callable);
        this.skipped = List.copyOf(skipped);
    }

    /** From a tools/list result: which tools can be called with arguments this class knows how to make. */
    static ToolCalls from(JsonNode toolsListResult) {
        List<String> callable = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode tool : toolsListResult.path("tools")) {
            String name = tool.path("name").asString("");
            if (name.isEmpty()) {
                continue;
            }
            boolean known = name.equals("think") || name.equals("remember") || name.equals("recall");
            boolean needsNothing = tool.path("inputSchema").path("required").isEmpty();
            if (known || needsNothing) {
                callable.add(name);
            } else {
                skipped.add(name);
            }
        }
        return new ToolCalls(callable, skipped);
    }

    /** Tools the workload calls, in the server's order. */
    List<String> callable() {
        return callable;
    }

    /** Tools the server offers that need arguments this stress test cannot make up. */
    List<String> skipped() {
        return skipped;
    }

    /** A virtual user's position in its current chain of thoughts. */
    static final class Chain {
        int number;
        int total;
    }

    /** params of a valid tools/call of {@code tool}. */
    ObjectNode valid(String tool, Chain chain, RandomGenerator random) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.put("name", tool);
        ObjectNode args = params.putObject("arguments");
        switch (tool) {
            case "think" -> {
                if (chain.number == 0 || chain.number >= chain.total) {
                    chain.number = 0;
                    chain.total = 3 + random.nextInt(6);
                }
                chain.number++;
                args.put("thought", sentence(random, 8 + random.nextInt(32)));
                args.put("thoughtNumber", chain.number);
                args.put("totalThoughts", chain.total);
                args.put("nextThoughtNeeded", chain.number < chain.total);
            }
            case "remember" -> {
                args.put("text", sentence(random, 6 + random.nextInt(20)));
                ArrayNode tags = args.putArray("tags");
                for (int i = random.nextInt(3); i > 0; i--) {
                    tags.add(TAGS[random.nextInt(TAGS.length)]);
                }
            }
            case "recall" -> {
                if (random.nextBoolean()) {
                    args.put("query", TAGS[random.nextInt(TAGS.length)]);
                }
                args.put("limit", random.nextBoolean() ? 5 : 10);
            }
            default -> {
                // a tool with no required arguments: call it with none
            }
        }
        return params;
    }

    /** params of a tools/call naming a tool the server does not have. */
    ObjectNode unknownTool(RandomGenerator random) {
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.put("name", UNKNOWN_TOOL + "_" + random.nextInt(1000));
        params.putObject("arguments").put("thought", "this tool does not exist");
        return params;
    }

    /**
     * params of a tools/call of a real tool whose arguments break its input schema (a wrong type, a
     * missing required field, a value out of range); null if the server has none of the reference
     * tools, whose schemas are known.
     */
    ObjectNode invalidArguments(RandomGenerator random) {
        List<String> known = callable.stream().filter(t -> t.equals("think") || t.equals("remember") || t.equals("recall")).toList();
        if (known.isEmpty()) {
            return null;
        }
        String tool = known.get(random.nextInt(known.size()));
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.put("name", tool);
        ObjectNode args = params.putObject("arguments");
        switch (tool) {
            case "think" -> {
                args.put("thought", "a thought whose number is not a number");
                args.put("thoughtNumber", "three");
                args.put("totalThoughts", 3);
                args.put("nextThoughtNeeded", true);
            }
            case "remember" -> args.put("tags", "not-an-array"); // and no "text"
            default -> args.put("limit", 0); // minimum is 1
        }
        return params;
    }

    private static String sentence(RandomGenerator random, int words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return b.toString();
    }
}
