package dev.mcplatencyprobe.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@code --prometheus [HOST:]PORT} serves {@code /metrics}: loopback unless the user names
 * another address ({@code 0.0.0.0:9464}, {@code [::1]:9464}); port 0 takes any free port.
 */
record PrometheusAddress(String host, int port) {
    static final String DEFAULT_HOST = "127.0.0.1";
    private static final Pattern FORM = Pattern.compile("(?:(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):)?(\\d{1,5})");

    static PrometheusAddress parse(String s) throws Options.UsageException {
        Matcher m = FORM.matcher(s.trim());
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
            throw new Options.UsageException("'" + s + "' is not an address for --prometheus: give [HOST:]PORT,"
                    + " e.g. 9464, 127.0.0.1:9464 or [::1]:9464 (port 0..65535)");
        }
        String host = m.group(1) == null ? DEFAULT_HOST : m.group(1).replaceAll("^\\[|]$", "");
        return new PrometheusAddress(host, Integer.parseInt(m.group(2)));
    }

    /** As a user writes it, IPv6 in brackets. */
    String display(int boundPort) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }
}
