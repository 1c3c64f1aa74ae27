package io.fulcrum.testbed.e2e.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.Json;
import io.fulcrum.testbed.demo.DemoRealServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link DemoRealServer} in its own process on one address:port, answering UDP datagrams and TCP
 * (HTTP) on that port, so a test can kill it the way a real server dies.
 */
public final class DemoServer implements AutoCloseable {

    private final String name;
    private final String address;
    private final int port;
    private final ManagedProcess process;

    private DemoServer(String name, String address, int port, ManagedProcess process) {
        this.name = name;
        this.address = address;
        this.port = port;
        this.process = process;
    }

    public static DemoServer start(String name, String address, Path logDir) {
        return start(name, address, freeTcpAndUdpPort(address), logDir);
    }

    public static DemoServer start(String name, String address, int port, Path logDir) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManagedProcess process = TestbedTool.start(name, DemoRealServer.class, logDir.resolve(name + ".log"),
                "--name", name, "--listen", address + ":" + port);
        process.awaitOutput("listening", Duration.ofSeconds(20));
        return new DemoServer(name, address, port, process);
    }

    /** A port free for both TCP and UDP on the address right now. */
    public static int freeTcpAndUdpPort(String address) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = FreePorts.on(address);
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, port))) {
                return port;
            } catch (IOException takenForUdp) {
                // try another
            }
        }
        throw new IllegalStateException("no port free for TCP and UDP on " + address);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The real server body for this demo server with its own port. */
    public ObjectNode realServer(int weight) {
        return Json.object().put("label", name).put("address", address).put("port", port).put("weight", weight);
    }

    public void printTail() {
        process.printTail(System.err, 20);
    }

    @Override
    public void close() {
        process.close();
    }
}
