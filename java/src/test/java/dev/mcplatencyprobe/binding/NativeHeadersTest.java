package dev.mcplatencyprobe.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mcplatencyprobe.decode.RecordLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java side's copies of the C headers' constants and record layout, checked against the headers
 * themselves: a unit test, so `mvn package` fails when C changes and Java does not follow, on any
 * machine (no BPF, no root). ShimLayoutTest checks the same layout against the compiled shim.
 */
class NativeHeadersTest {
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define\\s+(MLP_\\w+)\\s+(0x[0-9a-fA-F]+|\\d+)\\b");
    private static final Pattern STRUCT_FIELD = Pattern.compile("__([us])(8|16|32|64)\\s+(\\w+)\\s*;");

    private static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return fail("cannot find " + relative + " above " + Path.of("").toAbsolutePath());
    }

    private static String read(String relative) throws IOException {
        return Files.readString(repoFile(relative));
    }

    private static Map<String, Long> defines(String header) {
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = DEFINE.matcher(header);
        while (m.find()) {
            String v = m.group(2);
            out.put(m.group(1), v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v));
        }
        return out;
    }

    private static String block(String header, String opening) {
        int start = header.indexOf(opening);
        assertTrue(start >= 0, "no '" + opening + "' in the header");
        return header.substring(start, header.indexOf("};", start));
    }

    /** The enum's names in order: their values, as C numbers them from 0. */
    private static List<String> enumNames(String header, String name) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*(MLP_\\w+)\\s*(=\\s*0\\s*)?,").matcher(block(header, "enum " + name + " {"));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Field name to byte offset, laid out as C does for fixed-width integers; "sizeof" is the size. */
    private static Map<String, Integer> structLayout(String header, String name) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = STRUCT_FIELD.matcher(block(header, "struct " + name + " {"));
        int at = 0;
        int align = 1;
        while (m.find()) {
            int bytes = Integer.parseInt(m.group(2)) / 8;
            at = (at + bytes - 1) / bytes * bytes;
            out.put(m.group(3), at);
            at += bytes;
            align = Math.max(align, bytes);
        }
        out.put("sizeof", (at + align - 1) / align * align);
        return out;
    }

    @Test
    void shimConstantsAreTheHeadersOnes() throws IOException {
        Map<String, Long> shim = defines(read("native/src/main/include/mlp_shim.h"));
        assertEquals(shim.get("MLP_ABI_VERSION"), (long) Shim.ABI_VERSION, "MLP_ABI_VERSION");
        assertEquals(shim.get("MLP_OPEN_FOLLOW_CHILDREN"), (long) Shim.OPEN_FOLLOW_CHILDREN);
        assertEquals(shim.get("MLP_OPEN_TRACE_ALL"), (long) Shim.OPEN_TRACE_ALL);
        assertEquals(shim.get("MLP_OPEN_FORCE_HASH"), (long) Shim.OPEN_FORCE_HASH);
        assertEquals(shim.get("MLP_OPEN_MCP"), (long) Shim.OPEN_MCP);
        assertEquals(shim.get("MLP_MODE_TASK_STORAGE"), (long) Shim.MODE_TASK_STORAGE);
        assertEquals(shim.get("MLP_MODE_TID_HASH"), (long) Shim.MODE_TID_HASH);
        for (String name : shim.keySet()) {
            assertTrue(name.equals("MLP_ABI_VERSION") || name.startsWith("MLP_OPEN_") || name.startsWith("MLP_MODE_"),
                    name + " is new in mlp_shim.h: give it a Java constant in Shim and check it here");
        }
        assertEquals(4, shim.keySet().stream().filter(n -> n.startsWith("MLP_OPEN_")).count(), "mlp_open flags");
    }

    @Test
    void countersAndLimitsAreTheHeadersOnes() throws IOException {
        String header = read("bpf-src/syscall_event.h");
        assertEquals(List.of("MLP_EMITTED", "MLP_DROPPED", "MLP_ORPHAN_EXITS", "MLP_STATE_FAILURES", "MLP_COUNTER_COUNT"),
                enumNames(header, "mlp_counter"), "enum mlp_counter: update Shim.COUNTER_* and LossCounters");
        List<String> counters = enumNames(header, "mlp_counter");
        assertEquals(Shim.COUNTER_EMITTED, counters.indexOf("MLP_EMITTED"));
        assertEquals(Shim.COUNTER_DROPPED, counters.indexOf("MLP_DROPPED"));
        assertEquals(Shim.COUNTER_ORPHAN_EXITS, counters.indexOf("MLP_ORPHAN_EXITS"));
        assertEquals(Shim.COUNTER_STATE_FAILURES, counters.indexOf("MLP_STATE_FAILURES"));
        assertEquals(Shim.COUNTER_COUNT, counters.indexOf("MLP_COUNTER_COUNT"));
        assertEquals(defines(header).get("MLP_COMM_LEN"), (long) Shim.COMM_LEN, "MLP_COMM_LEN");
    }

    @Test
    void recordLayoutIsTheHeadersStruct() throws IOException {
        Map<String, Integer> c = structLayout(read("bpf-src/syscall_event.h"), "syscall_event");
        Map<String, Integer> java = new LinkedHashMap<>();
        java.put("end_ns", RecordLayout.END_NS);
        java.put("latency_ns", RecordLayout.LATENCY_NS);
        java.put("ret", RecordLayout.RET);
        java.put("tgid", RecordLayout.TGID);
        java.put("tid", RecordLayout.TID);
        java.put("nr", RecordLayout.NR);
        assertEquals(c.get("sizeof"), RecordLayout.RECORD_BYTES, "sizeof(struct syscall_event)");
        assertEquals(defines(read("bpf-src/syscall_event.h")).get("MLP_STAGE_RECORDS"), (long) RecordLayout.STAGE_RECORDS,
                "MLP_STAGE_RECORDS");
        for (Map.Entry<String, Integer> field : java.entrySet()) {
            assertEquals(c.get(field.getKey()), field.getValue(), "offsetof(struct syscall_event, " + field.getKey() + ")");
        }
        for (String field : c.keySet()) {
            assertTrue(java.containsKey(field) || field.equals("sizeof") || field.equals("reserved"),
                    "struct syscall_event has a field '" + field + "' the Java decoder does not read: add it to RecordLayout");
        }
    }
}
