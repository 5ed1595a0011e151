package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import org.junit.jupiter.api.Test;

/** Names chosen by traced processes are data: no control byte of theirs reaches a terminal, the journal or a file. */
class SafeTextTest {
    static final String HOSTILE = "a\u001b]0;pwn\u0007\nb";

    @Test
    void controlCharactersNewlinesAndBackslashesAreEscaped() {
        assertEquals("a\\x1b]0;pwn\\x07\\x0ab", SafeText.escape(HOSTILE));
        assertEquals("tab\\x09cr\\x0ddel\\x7fc1\\x9b", SafeText.escape("tab\tcr\rdel\u007fc1\u009b"));
        assertEquals("back\\\\x41", SafeText.escape("back\\x41"), "a literal backslash cannot forge an escape");
        assertEquals("rtl\\u{202e}x\\u{2028}", SafeText.escape("rtl\u202ex\u2028"));
        assertEquals("java mcp-servers.jar thinking", SafeText.escape("java mcp-servers.jar thinking"));
        assertEquals("héllo ✓", SafeText.escape("héllo ✓"));
        assertNull(SafeText.escape(null));
    }

    @Test
    void longNamesAreCapped() {
        String escaped = SafeText.escape("x".repeat(10_000));
        assertEquals(SafeText.MAX_CHARS, escaped.length());
        assertTrue(escaped.endsWith("..."));
        String controls = SafeText.escape("\u001b".repeat(1000));
        assertTrue(controls.length() <= SafeText.MAX_CHARS, controls);
        assertEquals(SafeText.MAX_CHARS, SafeText.escape("y".repeat(SafeText.MAX_CHARS)).length(), "exactly the cap: kept whole");
    }

    @Test
    void theTextReportEscapesProcessNamesAndSubjects() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        recorder.record(10, 1_000, 0, 100, 0);
        recorder.record(10, 1_000, 0, 200, 1);
        LatencySnapshot whole = recorder.finish(20, LossCounters.ZERO);
        String text = TextReport.render(whole, tgid -> HOSTILE) + TextReport.render(whole.forProcesses("PID 100: " + HOSTILE, 100));
        assertFalse(text.contains("\u001b") || text.contains("\u0007"), text);
        assertFalse(text.lines().anyMatch(line -> line.startsWith("b")), "no forged line:\n" + text);
        assertTrue(text.contains("Process 100 (a\\x1b]0;pwn\\x07\\x0ab)"), text);
    }
}
