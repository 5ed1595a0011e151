package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.probe.RequiresBpf;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** --prometheus as a user gets it wrong: one line, exit status 2, nothing left listening. */
@RequiresBpf
class PrometheusOptionIT {
    static Stream<Arguments> badAddresses() {
        return Stream.of(
                Arguments.of(List.of("--prometheus", "70000", "--all"), "not an address for --prometheus"),
                Arguments.of(List.of("--prometheus", "localhost:", "--all"), "not an address for --prometheus"),
                Arguments.of(List.of("--prometheus=", "--all"), "not an address for --prometheus"),
                Arguments.of(List.of("--prometheus", "1.2.3.4:80:80", "--all"), "not an address for --prometheus"),
                Arguments.of(List.of("--prometheus", "-1", "--all"), "not an address for --prometheus"),
                Arguments.of(List.of("--prometheus"), "needs a value"),
                Arguments.of(List.of("--prometheus-per-process", "--all"), "needs --prometheus"),
                Arguments.of(List.of("--prometheus-per-process=yes", "--prometheus", "0", "--all"), "takes no value"),
                // An address of no interface here (TEST-NET-1): binding fails without any packet sent.
                Arguments.of(List.of("--prometheus", "192.0.2.1:9464", "--", "true"), "cannot listen on 192.0.2.1:9464"));
    }

    @ParameterizedTest
    @MethodSource("badAddresses")
    void aBadAddressIsOneLineAndStatusTwo(List<String> args, String expected) throws Exception {
        ProbeDemoIT.Run run = ProbeDemoIT.probeDemo(args.toArray(String[]::new));
        assertEquals(2, run.status(), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    }

    @Test
    void aPortInUseIsOneLineAndStatusTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProbeDemoIT.Run run = ProbeDemoIT.probeDemo("--prometheus", String.valueOf(taken.getLocalPort()), "--", "true");
            assertEquals(2, run.status(), run.err());
            assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
            assertTrue(run.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), run.err());
            assertTrue(run.err().contains("choose another port"), run.err());
        }
    }

    @Test
    void helpListsThePrometheusOptions() throws Exception {
        ProbeDemoIT.Run help = ProbeDemoIT.probeDemo("--help");
        assertTrue(help.out().contains("--prometheus [HOST:]PORT"), help.out());
        assertTrue(help.out().contains("--prometheus-per-process"), help.out());
    }
}
