package io.fulcrum.testbed.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fulcrum.testbed.cli.CommandLine;
import io.fulcrum.testbed.cli.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny real server: on each listed address:port it answers HTTP/1.1 requests (TCP) and datagrams
 * (UDP) with its name and the address:port that took them.
 */
public final class DemoRealServer {

    private final String name;
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<UdpEchoListener> udpListeners = new ArrayList<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(4);

    DemoRealServer(String name) {
        this.name = name;
    }

    public static void main(String[] args) throws IOException {
        String name;
        List<InetSocketAddress> listens = new ArrayList<>();
        try {
            CommandLine commandLine = CommandLine.parse(args, "name", "listen");
            name = commandLine.required("name");
            for (String listen : commandLine.all("listen")) {
                listens.add(HostPort.parse(listen));
            }
            if (listens.isEmpty()) {
                throw new CommandLine.UsageException("at least one --listen is required");
            }
        } catch (CommandLine.UsageException e) {
            System.err.println("usage: --name NAME --listen IP:PORT [--listen IP:PORT ...]: " + e.getMessage());
            System.exit(2);
            return;
        }
        DemoRealServer server = new DemoRealServer(name);
        server.start(listens);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "demo-real-server-stop"));
        System.out.println("demo real server " + name + " listening on " + listens + " (tcp http and udp)");
    }

    void start(List<InetSocketAddress> listens) throws IOException {
        for (InetSocketAddress listen : listens) {
            HttpServer server = HttpServer.create(listen, 128);
            server.createContext("/", this::answer);
            server.setExecutor(workers);
            server.start();
            servers.add(server);
            udpListeners.add(UdpEchoListener.start(name, listen));
        }
    }

    void stop() {
        servers.forEach(server -> server.stop(0));
        udpListeners.forEach(UdpEchoListener::close);
        workers.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (InputStream request = exchange.getRequestBody(); OutputStream response = exchange.getResponseBody()) {
            // Drain the request body so the connection can be reused for the next request (keep-alive).
            request.transferTo(OutputStream.nullOutputStream());
            InetSocketAddress local = exchange.getLocalAddress();
            byte[] body = (name + " " + local.getAddress().getHostAddress() + ":" + local.getPort() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("X-Real-Server", name);
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(exchange.getRequestMethod())) {
                response.write(body);
            }
        }
    }
}
