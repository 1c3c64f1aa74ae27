package io.fulcrum.dataplane.health.icmp;

import java.nio.charset.StandardCharsets;

/** Builds ICMP and ICMPv6 echo requests and reads echo replies (type, identifier, sequence). */
final class EchoMessage {
    static final int V4_REQUEST = 8;
    static final int V4_REPLY = 0;
    static final int V6_REQUEST = 128;
    static final int V6_REPLY = 129;
    private static final byte[] PAYLOAD = "fulcrum health check".getBytes(StandardCharsets.US_ASCII);

    private EchoMessage() {
    }

    static byte[] request(boolean ipv6, int identifier, int sequence) {
        byte[] message = new byte[8 + PAYLOAD.length];
        message[0] = (byte) (ipv6 ? V6_REQUEST : V4_REQUEST);
        message[4] = (byte) (identifier >> 8);
        message[5] = (byte) identifier;
        message[6] = (byte) (sequence >> 8);
        message[7] = (byte) sequence;
        System.arraycopy(PAYLOAD, 0, message, 8, PAYLOAD.length);
        if (!ipv6) {
            // ICMPv6 checksums cover a pseudo-header the kernel fills in; ICMPv4 ones are ours to set.
            int checksum = checksum(message);
            message[2] = (byte) (checksum >> 8);
            message[3] = (byte) checksum;
        }
        return message;
    }

    static boolean isReply(boolean ipv6, byte[] message, int offset, int length) {
        return length - offset >= 8 && (message[offset] & 0xff) == (ipv6 ? V6_REPLY : V4_REPLY);
    }

    static int identifier(byte[] message, int offset) {
        return ((message[offset + 4] & 0xff) << 8) | (message[offset + 5] & 0xff);
    }

    static int sequence(byte[] message, int offset) {
        return ((message[offset + 6] & 0xff) << 8) | (message[offset + 7] & 0xff);
    }

    // RFC 1071 internet checksum.
    static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if ((data.length & 1) == 1) {
            sum += (data[data.length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
