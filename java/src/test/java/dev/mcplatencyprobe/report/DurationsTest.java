package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"0, 0ns", "999, 999ns", "1000, 1.00µs", "12345, 12.3µs", "999499, 999µs", "999500, 1.00ms",
        "1534000, 1.53ms", "75000000, 75.0ms", "2100000000, 2.10s", "3600000000000, 3600s"})
    void latencyToThreeSignificantDigits(long ns, String expected) {
        assertEquals(expected, Durations.latency(ns));
    }

    @ParameterizedTest
    @CsvSource({"50000000, 50ms", "1000000000, 1s", "1500000, 1500µs", "1500, 1500ns", "0, 0ns"})
    void limitExactlyInTheLargestUnitThatDividesIt(long ns, String expected) {
        assertEquals(expected, Durations.limit(ns));
    }

    @ParameterizedTest
    @CsvSource({"500000000, 500ms", "10000000000, 10s", "12500000000, 12.5s", "120000000000, 2m",
        "65200000000, 1m 5s", "3725000000000, 1h 2m 5s", "59960000000, 1m"})
    void spanCompactly(long ns, String expected) {
        assertEquals(expected, Durations.span(ns));
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500000000", "10s, 10000000000", "2m, 120000000000", "1h, 3600000000000", "1.5s, 1500000000",
        "250us, 250000", "250µs, 250000", "100ns, 100", "30, 30000000000", "' 10MS ', 10000000", "0, 0", "0.5ns, 0"})
    void parsesTheOneGrammar(String text, long ns) {
        assertEquals(ns, Durations.parseNanos(text).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-5s", "+5s", "1e3", "NaN", "Infinity", "0x10", "5d", "1.s", ".5s", "5 s", "10sec",
        "1,5s", "٣s", "99999999999999999999999999h", "32y"})
    void refusesWhatIsNotADuration(String text) {
        assertTrue(Durations.parseNanos(text).isEmpty(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000000000001000ns", "300000h"})
    void refusesADurationLongerThan31Years(String text) {
        assertTrue(Durations.isWrittenAsDuration(text), text);
        assertTrue(Durations.parseNanos(text).isEmpty(), text);
        assertFalse(Durations.parseNanos("1000000000000000000ns").isEmpty());
    }
}
