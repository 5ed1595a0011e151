package dev.mcplatencyprobe.bench.mcp.servers;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference servers' tools as MCP tool specifications. Input schemas are strict
 * ({@code additionalProperties: false}), so the SDK rejects a call that breaks them before a
 * handler runs; the handlers only convert arguments and render results.
 */
public final class ReferenceTools {
    public static final String THINK = "think";
    public static final String REMEMBER = "remember";
    public static final String RECALL = "recall";

    static final int RECALL_DEFAULT_LIMIT = 10;

    private static final String THINK_SCHEMA = """
            {
              "type": "object",
              "properties": {
                "thought": {"type": "string", "minLength": 1, "description": "the current thinking step"},
                "nextThoughtNeeded": {"type": "boolean", "description": "whether another step follows"},
                "thoughtNumber": {"type": "integer", "minimum": 1, "description": "this step's number"},
                "totalThoughts": {"type": "integer", "minimum": 1, "description": "estimated steps in the chain"},
                "isRevision": {"type": "boolean"},
                "revisesThought": {"type": "integer", "minimum": 1},
                "branchFromThought": {"type": "integer", "minimum": 1},
                "branchId": {"type": "string"},
                "needsMoreThoughts": {"type": "boolean"}
              },
              "required": ["thought", "nextThoughtNeeded", "thoughtNumber", "totalThoughts"],
              "additionalProperties": false
            }""";

    private static final String REMEMBER_SCHEMA = """
            {
              "type": "object",
              "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": 10000, "description": "what to remember"},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 16}
              },
              "required": ["text"],
              "additionalProperties": false
            }""";

    private static final String RECALL_SCHEMA = """
            {
              "type": "object",
              "properties": {
                "query": {"type": "string", "description": "substring of text or tag; empty matches all"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 100}
              },
              "additionalProperties": false
            }""";

    private ReferenceTools() {
    }

    public static List<SyncToolSpecification> thinking(ThinkingEngine engine, McpJsonMapper json) {
        Tool think = Tool.builder()
                .name(THINK)
                .title("Sequential thinking step")
                .description("Records one step of a chain of thought, deliberates over it (a fixed CPU cost) "
                        + "and reports where the chain stands.")
                .inputSchema(json, THINK_SCHEMA)
                .build();
        return List.of(SyncToolSpecification.builder()
                .tool(think)
                .callHandler((exchange, request) -> {
                    Map<String, Object> a = request.arguments();
                    ThinkingEngine.Thought t = new ThinkingEngine.Thought(
                            (String) a.get("thought"),
                            intArg(a, "thoughtNumber"),
                            intArg(a, "totalThoughts"),
                            Boolean.TRUE.equals(a.get("nextThoughtNeeded")),
                            Boolean.TRUE.equals(a.get("isRevision")),
                            optionalInt(a, "revisesThought"),
                            optionalInt(a, "branchFromThought"),
                            (String) a.get("branchId"));
                    return jsonResult(json, engine.think(t));
                })
                .build());
    }

    public static List<SyncToolSpecification> memory(MemoryStore store, McpJsonMapper json) {
        Tool remember = Tool.builder()
                .name(REMEMBER)
                .title("Remember")
                .description("Appends an entry to the memory file and syncs it to disk before answering.")
                .inputSchema(json, REMEMBER_SCHEMA)
                .build();
        Tool recall = Tool.builder()
                .name(RECALL)
                .title("Recall")
                .description("Returns the newest remembered entries, optionally those whose text or tags contain a query.")
                .inputSchema(json, RECALL_SCHEMA)
                .build();
        return List.of(
                SyncToolSpecification.builder()
                        .tool(remember)
                        .callHandler((exchange, request) -> {
                            Map<String, Object> a = request.arguments();
                            List<String> tags = new ArrayList<>();
                            if (a.get("tags") instanceof List<?> l) {
                                l.forEach(o -> tags.add(String.valueOf(o)));
                            }
                            MemoryStore.Entry e = store.remember((String) a.get("text"), tags);
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put("seq", e.seq());
                            out.put("time", e.time());
                            return jsonResult(json, out);
                        })
                        .build(),
                SyncToolSpecification.builder()
                        .tool(recall)
                        .callHandler((exchange, request) -> {
                            Map<String, Object> a = request.arguments();
                            Integer limit = optionalInt(a, "limit");
                            List<MemoryStore.Entry> entries = store.recall((String) a.get("query"),
                                    limit == null ? RECALL_DEFAULT_LIMIT : limit);
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put("count", entries.size());
                            out.put("entries", entries);
                            return jsonResult(json, out);
                        })
                        .build());
    }

    private static CallToolResult jsonResult(McpJsonMapper json, Object value) {
        try {
            return CallToolResult.builder().addTextContent(json.writeValueAsString(value)).isError(false).build();
        } catch (IOException e) {
            return CallToolResult.builder().addTextContent("cannot render result: " + e.getMessage()).isError(true).build();
        }
    }

    private static int intArg(Map<String, Object> a, String name) {
        return ((Number) a.get(name)).intValue();
    }

    private static Integer optionalInt(Map<String, Object> a, String name) {
        return a.get(name) instanceof Number n ? n.intValue() : null;
    }
}
