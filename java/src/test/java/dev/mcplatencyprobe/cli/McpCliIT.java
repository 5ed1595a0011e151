package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.probe.RequiresBpf;
import org.junit.jupiter.api.Test;

/** probe-demo.jar --mcp as a user runs it: a shell that answers an MCP request read one byte at a time. */
@RequiresBpf
class McpCliIT {
    /**
     * dash's read builtin reads a pipe byte by byte: every byte after the first is a continuation the
     * kernel must pass unfiltered. The answer comes after a 50 ms sleep (a blocking wait).
     */
    private static final String STDIO_SERVER = "printf '%s\\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"echo\"}}' | { read -r l; sleep 0.05; printf '%s\\n' '{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}'; }"
            + " | cat >/dev/null";

    @Test
    void theMcpTableFollowsTheReportAndTheJsonHasAnMcpObject() throws Exception {
        ProbeDemoIT.Run text = ProbeDemoIT.probeDemo("--mcp", "--", "sh", "-c", STDIO_SERVER);
        assertEquals(0, text.status(), text.err());
        int footer = text.out().indexOf("Verdict: ");
        int table = text.out().indexOf("MCP methods (server side, measured in the kernel)");
        assertTrue(footer >= 0 && table > footer, "the MCP table comes after the report:\n" + text.out());
        String row = text.out().lines().filter(l -> l.startsWith("tools/call echo ")).findFirst()
                .orElseThrow(() -> new AssertionError(text.out()));
        assertTrue(row.matches("tools/call echo\\s+1\\s+0\\s+0\\s+0\\s+.*"), row);
        assertTrue(text.out().contains("MCP verdict: tools/call P99 "), text.out());
        assertFalse(text.out().contains("\"id\""), "no payload in the report");

        ProbeDemoIT.Run json = ProbeDemoIT.probeDemo("--mcp", "--format", "json", "--", "sh", "-c", STDIO_SERVER);
        assertEquals(0, json.status(), json.err());
        String last = ProbeDemoIT.lastLine(json.out());
        assertTrue(last.contains(",\"mcp\":{\"methods\":[{\"method\":\"tools/call\",\"tool\":\"echo\",\"count\":1,\"errors\":0,\"unpaired\":0,"), last);
        assertTrue(last.endsWith("}}"), last);
    }

    @Test
    void withoutMcpThereIsNoMcpTableAndMcpAddsNoProgram() throws Exception {
        ProbeDemoIT.Run run = ProbeDemoIT.probeDemo("--", "sh", "-c", STDIO_SERVER);
        assertEquals(0, run.status(), run.err());
        assertFalse(run.out().contains("MCP methods"), run.out());
        ProbeDemoIT.Run mcp = ProbeDemoIT.probeDemo("--mcp", "--", "true");
        // The payload hooks live inside the main programs (removed at load time without --mcp): no extra program.
        assertEquals(programs(run.err()), programs(mcp.err()), "no program of its own for --mcp");
    }

    private static int programs(String err) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Attaching (\\d+) probes").matcher(err);
        assertTrue(m.find(), err);
        return Integer.parseInt(m.group(1));
    }
}
