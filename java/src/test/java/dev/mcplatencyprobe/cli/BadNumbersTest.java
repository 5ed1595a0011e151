package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every numeric option refuses overflow and out-of-range values: exit 2, one line, no stack trace. */
class BadNumbersTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "--ring-size 99999999999999999999", "--ring-size 9999999999G", "--ring-size 4294967296", "--ring-size 2G",
            "--ring-size 0", "--ring-size 3K",
            "--interval 9999999999d", "--interval 9999999999h", "--interval 2d", "--interval 25h",
            "--interval 99999999999999999999999999999999999999999s", "--interval 0",
            "--duration 999999999999999999999999h", "--duration 0s", "--duration -5s",
            "--threshold 48h", "--threshold 9999999999999999999999s",
            "--pid 99999999999999", "--pid 4294967296", "--pid 0", "--pid -1",
            "--syscalls 99999999999999999999", "--syscalls 512", "--syscalls 4294967295"})
    void exitsTwoWithOneLine(String option) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = (option + " -- true").split(" ");
        int status = Main.run(args, new PrintStream(out), new PrintStream(err));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertEquals(1, message.lines().count(), message);
        assertFalse(message.contains("Exception"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
