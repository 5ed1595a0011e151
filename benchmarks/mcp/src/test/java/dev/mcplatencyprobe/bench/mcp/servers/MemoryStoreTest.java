package dev.mcplatencyprobe.bench.mcp.servers;

import io.modelcontextprotocol.json.McpJsonDefaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryStoreTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private MemoryStore open() throws Exception {
        return new MemoryStore(dir, McpJsonDefaults.getMapper(), FIXED);
    }

    @Test
    void rememberAppendsOneJsonLinePerEntry() throws Exception {
        try (MemoryStore s = open()) {
            assertEquals(1, s.remember("first", List.of("a")).seq());
            assertEquals(2, s.remember("second \"quoted\"\nline", List.of()).seq());
        }
        List<String> lines = Files.readAllLines(dir.resolve(MemoryStore.FILE_NAME));
        assertEquals(2, lines.size(), "a newline inside the text is escaped, not a new entry");
        assertEquals("{\"seq\":1,\"time\":\"2026-01-02T03:04:05Z\",\"text\":\"first\",\"tags\":[\"a\"]}", lines.get(0));
    }

    @Test
    void recallReturnsNewestFirstAndFiltersByTextOrTag() throws Exception {
        try (MemoryStore s = open()) {
            s.remember("alpha", List.of("x"));
            s.remember("beta", List.of("Tagged"));
            s.remember("gamma", List.of());
            assertEquals(List.of("gamma", "beta"), s.recall(null, 2).stream().map(MemoryStore.Entry::text).toList());
            assertEquals(List.of("beta"), s.recall("tagg", 10).stream().map(MemoryStore.Entry::text).toList());
            assertEquals(List.of("alpha"), s.recall("ALP", 10).stream().map(MemoryStore.Entry::text).toList());
        }
    }

    @Test
    void sequenceContinuesAfterReopenAndDamagedLinesAreSkipped() throws Exception {
        try (MemoryStore s = open()) {
            s.remember("one", List.of());
        }
        Files.writeString(dir.resolve(MemoryStore.FILE_NAME), "not json\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (MemoryStore s = open()) {
            assertEquals(2, s.remember("two", List.of()).seq());
            assertEquals(List.of("two", "one"), s.recall("", 10).stream().map(MemoryStore.Entry::text).toList());
        }
    }

    @Test
    void recallReadsOnlyTheFilesTail() throws Exception {
        String big = "x".repeat(1000);
        try (MemoryStore s = open()) {
            for (int i = 1; i <= 300; i++) {
                s.remember(big + i, List.of());
            }
            List<MemoryStore.Entry> all = s.recall(null, 1000);
            assertTrue(all.size() < 300 && all.size() > 200, "bounded by the window: " + all.size());
            assertEquals(300, all.get(0).seq());
            assertEquals(big + 300, all.get(0).text());
        }
    }
}
