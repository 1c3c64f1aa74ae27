package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.TestConfigs;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds real servers on loopback addresses for balancing tests. */
final class Servers {
    private Servers() {
    }

    static RealServer server(String label, int weight) {
        return new RealServer(TestConfigs.online(label, loopback(label), 80).withWeight(weight));
    }

    static InetAddress client(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 1, (byte) (n >> 8), (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress loopback(String label) {
        return client(Math.floorMod(label.hashCode(), 60000));
    }
}
