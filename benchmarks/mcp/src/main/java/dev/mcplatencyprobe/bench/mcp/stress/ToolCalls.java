package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The tools/call requests the stress test sends to one server, built from that server's tools/list:
 * the steps of a {@code --calls} file when one applies to the server; otherwise hand-made arguments
 * for the reference tools (think, remember, recall) and arguments generated from the input schema
 * of every other tool ({@link SchemaArguments}); and two kinds of deliberately bad call. Immutable;
 * the per-user state (a thought chain, the position in a calls file's cycle) lives in {@link Chain}.
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
    /** Generators for the tools that are neither reference tools nor driven by a calls file. */
    private final Map<String, SchemaArguments> generated;
    /** The calls file that drives this server, or null. */
    private final CallTemplates templates;

    private ToolCalls(List<String> callable, List<String> skipped, Map<String, SchemaArguments> generated, CallTemplates templates) {
        this.callable = List.copyOf(callable);
        this.skipped = List.copyOf(skipped);
        this.generated = Map.copyOf(generated);
        this.templates = templates;
    }

    /** From a tools/list result, with generated arguments for every tool whose schema allows it. */
    static ToolCalls from(JsonNode toolsListResult) {
        return from(toolsListResult, null);
    }

    /**
     * From a tools/list result. With {@code templates}, the calls file's tools are the ones called
     * (each must be on the list, or this fails with the missing name); without, every tool whose
     * arguments can be made up.
     */
    static ToolCalls from(JsonNode toolsListResult, CallTemplates templates) {
        List<String> offered = new ArrayList<>();
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        for (JsonNode tool : toolsListResult.path("tools")) {
            String name = tool.path("name").asString("");
            if (!name.isEmpty()) {
                offered.add(name);
                schemas.put(name, tool.path("inputSchema"));
            }
        }
        List<String> callable = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, SchemaArguments> generated = new LinkedHashMap<>();
        if (templates != null) {
            for (CallTemplates.Step step : templates.cycle()) {
                if (!offered.contains(step.tool())) {
                    throw new IllegalArgumentException("the calls file " + templates.file() + " names tool '" + step.tool()
                            + "', which the server does not offer (it has " + offered + ")");
                }
                if (!callable.contains(step.tool())) {
                    callable.add(step.tool());
                    try {
                        generated.put(step.tool(), SchemaArguments.of(schemas.get(step.tool()))); // for bad calls only
                    } catch (SchemaArguments.UnsupportedSchemaException e) {
                        // no schema-breaking calls for this tool
                    }
                }
            }
            return new ToolCalls(callable, List.of(), generated, templates);
        }
        for (String name : offered) {
            if (REFERENCE_TOOLS.contains(name)) {
                callable.add(name);
                continue;
            }
            try {
                generated.put(name, SchemaArguments.of(schemas.get(name)));
                callable.add(name);
            } catch (SchemaArguments.UnsupportedSchemaException e) {
                skipped.add(name + " (" + e.getMessage() + ")");
            }
        }
        return new ToolCalls(callable, skipped, generated, templates);
    }

    /** The project's reference servers' tools, called with hand-made arguments (a coherent thought chain). */
    private static final List<String> REFERENCE_TOOLS = List.of("think", "remember", "recall");

    /** Tools the workload calls, in the server's order. */
    List<String> callable() {
        return callable;
    }

    /** Tools the server offers that need arguments this stress test cannot make up, each with why. */
    List<String> skipped() {
        return skipped;
    }

    /** The calls file that drives this server, if any. */
    CallTemplates templates() {
        return templates;
    }

    /** A virtual user's position in its current chain of thoughts and in the calls file's cycle. */
    static final class Chain {
        int number;
        int total;
        /** The next step of the calls file's cycle. */
        int step;
        /** Cycles started so far: ${counter}. */
        long cycles;
        /** ${session}: unique to the virtual user within the run. */
        String session = "s0";
    }

    /** params of the next valid tools/call: the cycle's next step, or a tool drawn at random. */
    ObjectNode next(Chain chain, RandomGenerator random) {
        if (templates != null) {
            if (chain.step == 0) {
                chain.cycles++;
            }
            ObjectNode params = templates.params(chain.step, chain.cycles, chain.session, random);
            chain.step = (chain.step + 1) % templates.cycle().size();
            return params;
        }
        return valid(callable.get(random.nextInt(callable.size())), chain, random);
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
                SchemaArguments g = generated.get(tool);
                if (g != null) {
                    params.set("arguments", g.generate(random));
                }
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
     * missing required field, a value out of range); null if no tool has a schema that rejects
     * anything (or a calls file drives the server and none of its tools has a known schema).
     */
    ObjectNode invalidArguments(RandomGenerator random) {
        List<String> known = callable.stream().filter(REFERENCE_TOOLS::contains).toList();
        if (known.isEmpty()) {
            List<String> tools = new ArrayList<>(generated.keySet());
            for (int tries = 0; tries < 4 && !tools.isEmpty(); tries++) {
                String tool = tools.get(random.nextInt(tools.size()));
                JsonNode bad = generated.get(tool).invalid(random);
                if (bad != null) {
                    ObjectNode params = JsonRpc.MAPPER.createObjectNode();
                    params.put("name", tool);
                    params.set("arguments", bad);
                    return params;
                }
            }
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
