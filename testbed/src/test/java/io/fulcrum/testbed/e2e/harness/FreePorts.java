package io.fulcrum.testbed.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds ports that are free right now on a loopback address, for listeners another process will bind.
 * A port is handed out once per test run: the kernel may offer a probed port again while the process
 * it was meant for has not bound it yet (a control plane's four ports are probed before it starts),
 * and two listeners would then meet on it.
 */
public final class FreePorts {
    /** Far more than a run asks for, far fewer than the kernel's ephemeral ports. */
    private static final int ATTEMPTS = 100;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int on(String address) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = probe(address);
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no port on " + address + " that was not handed out already");
    }

    private static int probe(String address) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address, e);
        }
    }
}
