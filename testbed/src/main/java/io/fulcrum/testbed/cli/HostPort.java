package io.fulcrum.testbed.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Turns "127.0.0.21:8443" into a socket address, accepting IPv4 literals only so nothing asks DNS. */
public final class HostPort {

    private HostPort() {
    }

    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandLine.UsageException("address " + text + " (expected IPv4:port, e.g. 127.0.0.21:8443)");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535 || !host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new CommandLine.UsageException("address " + text + " (expected IPv4:port with port 1..65535)");
        }
        try {
            // With a dotted-quad literal getByName parses and never resolves.
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new CommandLine.UsageException("address " + text + " (not an IPv4 literal)");
        }
    }
}
