package dev.mcplatencyprobe.bench.mcp.stress;

/** What a virtual user does next; {@link Mix} draws one per step. */
enum Operation {
    /** tools/call of one of the server's tools, with valid arguments. */
    TOOL_CALL("call"),
    TOOLS_LIST("list"),
    PING("ping"),
    /** A deliberately bad tools/call: half of them name no tool, half break a tool's input schema. */
    BAD_CALL("bad"),
    /** End this session and open a new one: initialize, notifications/initialized, tools/list. */
    NEW_SESSION("session");

    private final String key;

    Operation(String key) {
        this.key = key;
    }

    /** The name used in {@code --mix}. */
    String key() {
        return key;
    }
}
