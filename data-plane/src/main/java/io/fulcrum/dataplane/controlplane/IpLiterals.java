package io.fulcrum.dataplane.controlplane;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses IP literals only, so a host name in a snapshot is refused instead of resolved by DNS. */
final class IpLiterals {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    // The JDK parses text as a literal only when it starts with a hex digit or ':'; anything else
    // (".:" for one) would go to the resolver. 45 characters is the longest IPv6 literal.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

    private IpLiterals() {
    }

    static InetAddress parse(String field, String text) throws InvalidSnapshotException {
        boolean ipv4 = IPV4.matcher(text).matches();
        if (ipv4) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw invalid(field, text);
                }
            }
        }
        if (!ipv4 && !(text.contains(":") && IPV6.matcher(text).matches())) {
            throw invalid(field, text);
        }
        try {
            // Only literals reach here, so no name lookup happens.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw invalid(field, text);
        }
    }

    private static InvalidSnapshotException invalid(String field, String text) {
        return new InvalidSnapshotException(field + ": " + FieldChecks.quote(text)
                + " (expected an IP address literal)");
    }
}
