package dev.mcplatencyprobe.bench.mcp.stress;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;

/**
 * A {@code --calls FILE}: the tools/call requests to send to a server whose tools need arguments
 * with meaning (an entity created before it is searched and deleted), as a cycle of steps each
 * virtual user walks in order. Immutable.
 *
 * <pre>{@code
 * {
 *   "server": "memory-server",          // optional: only targets whose serverInfo.name is this
 *   "cycle": [
 *     {"tool": "create_entities", "arguments": {"entities": [{"name": "e-${session}-${counter}", ...}]}},
 *     {"tool": "search_nodes", "arguments": {"query": "e-${session}-${counter}"}},
 *     {"tool": "delete_entities", "arguments": {"entityNames": ["e-${session}-${counter}"]}}
 *   ]
 * }
 * }</pre>
 *
 * <p>Variables in strings: {@code ${counter}} (the virtual user's cycle number, 1, 2, ...; a string
 * that is exactly {@code "${counter}"} becomes a JSON number), {@code ${word}} (a random word, new
 * at each occurrence), {@code ${session}} (an id unique to the virtual user in this run).
 */
final class CallTemplates {
    static final Set<String> VARIABLES = Set.of("counter", "word", "session");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final int MAX_FILE_BYTES = 1 << 20;

    /** One tools/call of the cycle. */
    record Step(String tool, JsonNode arguments) {
    }

    private final Path file;
    private final Optional<String> server;
    private final List<Step> cycle;

    private CallTemplates(Path file, Optional<String> server, List<Step> cycle) {
        this.file = file;
        this.server = server;
        this.cycle = List.copyOf(cycle);
    }

    /** Reads and checks a calls file; every problem is one line naming the file. */
    static CallTemplates load(Path file) throws UsageException {
        String where = "--calls " + file + ": ";
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new UsageException(where + "is a directory, not a JSON file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new UsageException(where + "larger than " + MAX_FILE_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException(where + "cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode root;
        try {
            root = JsonRpc.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new UsageException(where + "not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        return parse(file, root);
    }

    static CallTemplates parse(Path file, JsonNode root) throws UsageException {
        String where = "--calls " + file + ": ";
        if (root == null || !root.isObject()) {
            throw new UsageException(where + "expected a JSON object with a \"cycle\" array");
        }
        for (String key : root.propertyNames()) {
            if (!Set.of("server", "cycle", "description").contains(key)) {
                throw new UsageException(where + "unknown key \"" + key + "\" (expected server, cycle, description)");
            }
        }
        Optional<String> server = Optional.empty();
        if (root.has("server")) {
            if (!root.get("server").isString() || root.get("server").asString().isBlank()) {
                throw new UsageException(where + "\"server\" must be a server name (serverInfo.name)");
            }
            server = Optional.of(root.get("server").asString());
        }
        JsonNode c = root.path("cycle");
        if (!c.isArray() || c.isEmpty()) {
            throw new UsageException(where + "\"cycle\" must be a non-empty array of {\"tool\": NAME, \"arguments\": {...}}");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            JsonNode s = c.get(i);
            String at = where + "cycle[" + i + "]: ";
            if (!s.isObject() || !s.path("tool").isString() || s.get("tool").asString().isBlank()) {
                throw new UsageException(at + "needs \"tool\": a tool name");
            }
            JsonNode args = s.has("arguments") ? s.get("arguments") : JsonNodeFactory.instance.objectNode();
            if (!args.isObject()) {
                throw new UsageException(at + "\"arguments\" must be an object");
            }
            String unknown = unknownVariable(args);
            if (unknown != null) {
                throw new UsageException(at + "unknown variable ${" + unknown + "} (known: ${counter}, ${word}, ${session})");
            }
            steps.add(new Step(s.get("tool").asString(), args));
        }
        return new CallTemplates(file, server, steps);
    }

    /** Whether this file is meant for a server that calls itself {@code serverName}. */
    boolean appliesTo(String serverName) {
        return server.isEmpty() || server.get().equals(serverName);
    }

    /** Whether this file names {@code serverName} in its "server" key. */
    boolean named(String serverName) {
        return server.isPresent() && server.get().equals(serverName);
    }

    Path file() {
        return file;
    }

    List<Step> cycle() {
        return cycle;
    }

    /** params of the tools/call for {@code step}, its variables filled in. */
    ObjectNode params(int step, long counter, String session, RandomGenerator random) {
        Step s = cycle.get(step);
        ObjectNode params = JsonRpc.MAPPER.createObjectNode();
        params.put("name", s.tool());
        params.set("arguments", fill(s.arguments(), counter, session, random));
        return params;
    }

    private static JsonNode fill(JsonNode node, long counter, String session, RandomGenerator random) {
        if (node.isString()) {
            String text = node.asString();
            if (text.equals("${counter}")) {
                return JsonNodeFactory.instance.numberNode(counter);
            }
            if (text.indexOf("${") < 0) {
                return node;
            }
            Matcher m = VARIABLE.matcher(text);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String v = switch (m.group(1)) {
                    case "counter" -> Long.toString(counter);
                    case "session" -> session;
                    default -> SchemaArguments.word(random);
                };
                m.appendReplacement(b, Matcher.quoteReplacement(v));
            }
            m.appendTail(b);
            return JsonNodeFactory.instance.stringNode(b.toString());
        }
        if (node.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                o.set(e.getKey(), fill(e.getValue(), counter, session, random));
            }
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (JsonNode n : node) {
                a.add(fill(n, counter, session, random));
            }
            return a;
        }
        return node;
    }

    private static String unknownVariable(JsonNode node) {
        if (node.isString()) {
            Matcher m = VARIABLE.matcher(node.asString());
            while (m.find()) {
                if (!VARIABLES.contains(m.group(1))) {
                    return m.group(1);
                }
            }
            return null;
        }
        for (JsonNode n : node) {
            String u = unknownVariable(n);
            if (u != null) {
                return u;
            }
        }
        return null;
    }
}
