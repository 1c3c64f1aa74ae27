package io.fulcrum.testbed.load;

import io.fulcrum.testbed.cli.CommandLine;
import io.fulcrum.testbed.cli.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a failover: HTTP through virtual services from many source addresses, each event
 * one line on stdout with wall-clock milliseconds, so a test can line them up with the fault it caused.
 * <ul>
 *   <li>{@code short LABEL SOURCE START END ok SERVER|fail REASON}: a new connection per request, as a
 *       client would make it (connect timeout 5 s, far below a desktop's 21 s: a SYN lost while the
 *       address moves is sent again by the kernel after 1 s and 3 s, and the connection fails only if
 *       nothing takes it or it is refused);</li>
 *   <li>{@code probe LABEL START ok|fail}: every 20 ms a connection that must be answered within 100 ms
 *       of connecting: whether the address serves right now;</li>
 *   <li>{@code long LABEL SOURCE open SERVER|broken TIME REASON|alive SERVER}: one keep-alive connection
 *       per long-lived source, asked every 200 ms until it breaks or the probe ends.</li>
 * </ul>
 * It runs until the stop file appears (at most --max-seconds, at most 600) and prints {@code done}.
 */
public final class FailoverProbe {
    private static final int THREADS_PER_TARGET = 4;
    private static final int PAUSE_MS = 25;
    private static final int MAX_SOURCES = 250;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final PrintStream out;
    private final Path stopFile;
    private final long deadlineNanos;

    private FailoverProbe(PrintStream out, Path stopFile, long deadlineNanos) {
        this.out = out;
        this.stopFile = stopFile;
        this.deadlineNanos = deadlineNanos;
    }

    public static void main(String[] args) throws Exception {
        List<Target> shortTargets = new ArrayList<>();
        List<Target> longTargets = new ArrayList<>();
        List<InetAddress> sources;
        int longCount;
        Path stopFile;
        int maxSeconds;
        try {
            CommandLine commandLine = CommandLine.parse(args, "short", "long", "sources", "long-count", "stop-file",
                    "max-seconds");
            commandLine.all("short").forEach(text -> shortTargets.add(Target.parse(text)));
            commandLine.all("long").forEach(text -> longTargets.add(Target.parse(text)));
            sources = range(commandLine.required("sources"));
            longCount = number(commandLine.optional("long-count", "0"), 0, sources.size(), "--long-count");
            stopFile = Path.of(commandLine.required("stop-file"));
            maxSeconds = number(commandLine.optional("max-seconds", "120"), 1, 600, "--max-seconds");
        } catch (CommandLine.UsageException e) {
            System.err.println("usage: [--short LABEL=IP:PORT]... [--long LABEL=IP:PORT]... --sources A.B.C.D-E"
                    + " [--long-count N] --stop-file PATH [--max-seconds 120]: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        FailoverProbe probe = new FailoverProbe(out, stopFile,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds));
        List<Thread> threads = new ArrayList<>();
        for (Target target : longTargets) {
            for (InetAddress source : sources.subList(0, longCount)) {
                threads.add(start(() -> probe.longLived(target, source)));
            }
        }
        for (Target target : shortTargets) {
            for (int t = 0; t < THREADS_PER_TARGET; t++) {
                List<InetAddress> mine = new ArrayList<>();
                for (int i = t; i < sources.size(); i += THREADS_PER_TARGET) {
                    mine.add(sources.get(i));
                }
                threads.add(start(() -> probe.shortConnections(target, mine)));
            }
            threads.add(start(() -> probe.availability(target, sources.get(0))));
        }
        out.println("started");
        for (Thread thread : threads) {
            thread.join();
        }
        out.println("done");
    }

    private boolean running() {
        return System.nanoTime() < deadlineNanos && !Files.exists(stopFile);
    }

    private void shortConnections(Target target, List<InetAddress> sources) {
        for (int round = 0; running(); round++) {
            InetAddress source = sources.get(round % sources.size());
            long start = System.currentTimeMillis();
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(source, 0));
                socket.connect(target.address(), CONNECT_TIMEOUT_MS);
                socket.setSoTimeout(2_000);
                String server = ask(socket, true);
                out.println("short " + target.label() + " " + source.getHostAddress() + " " + start + " "
                        + System.currentTimeMillis() + " ok " + server);
            } catch (IOException e) {
                out.println("short " + target.label() + " " + source.getHostAddress() + " " + start + " "
                        + System.currentTimeMillis() + " fail " + reason(e));
            }
            pause(PAUSE_MS);
        }
    }

    private void availability(Target target, InetAddress source) {
        while (running()) {
            long start = System.currentTimeMillis();
            boolean ok;
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(source, 0));
                socket.connect(target.address(), 100);
                socket.setSoTimeout(100);
                ask(socket, true);
                ok = true;
            } catch (IOException e) {
                ok = false;
            }
            out.println("probe " + target.label() + " " + start + " " + (ok ? "ok" : "fail"));
            pause(20);
        }
    }

    private void longLived(Target target, InetAddress source) {
        String prefix = "long " + target.label() + " " + source.getHostAddress() + " ";
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(target.address(), 3_000);
            socket.setSoTimeout(2_000);
            String server = ask(socket, false);
            out.println(prefix + "open " + server);
            while (running()) {
                pause(200);
                try {
                    ask(socket, false);
                } catch (IOException e) {
                    out.println(prefix + "broken " + System.currentTimeMillis() + " " + reason(e));
                    return;
                }
            }
            out.println(prefix + "alive " + server);
        } catch (IOException e) {
            out.println(prefix + "broken " + System.currentTimeMillis() + " " + reason(e));
        }
    }

    /** One HTTP/1.1 GET; the demo real server answers with its name first in the body. */
    private static String ask(Socket socket, boolean close) throws IOException {
        String request = "GET / HTTP/1.1\r\nHost: probe\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new IOException("answer " + head.lines().findFirst().orElse("(empty)"));
        }
        int length = -1;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (length < 0 || length > 4096) {
            throw new IOException("no usable Content-Length in " + head.lines().findFirst().orElse(""));
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        if (body.length() != length || body.isBlank()) {
            throw new IOException("short body");
        }
        return body.strip().split(" ")[0];
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream");
            }
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        throw new IOException("header too long");
    }

    private static String reason(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return (e.getClass().getSimpleName() + ":" + message).replace(' ', '_');
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread start(Runnable work) {
        Thread thread = new Thread(work, "probe");
        thread.start();
        return thread;
    }

    /** "198.18.0.101-140": the addresses from .101 to .140 of that /24. */
    private static List<InetAddress> range(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.)(\\d{1,3})-(\\d{1,3})")
                .matcher(text);
        if (!m.matches()) {
            throw new CommandLine.UsageException("--sources " + text + " (expected e.g. 198.18.0.101-140)");
        }
        int first = Integer.parseInt(m.group(2));
        int last = Integer.parseInt(m.group(3));
        if (first < 1 || last > 254 || last < first || last - first + 1 > MAX_SOURCES) {
            throw new CommandLine.UsageException("--sources " + text + " (expected 1..254, first <= last)");
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            addresses.add(HostPort.parse(m.group(1) + i + ":1").getAddress());
        }
        return addresses;
    }

    private static int number(String text, int min, int max, String flag) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the range
        }
        throw new CommandLine.UsageException(flag + " " + text + " (expected " + min + ".." + max + ")");
    }

    /** LABEL=IP:PORT. */
    private record Target(String label, InetSocketAddress address) {
        static Target parse(String text) {
            int eq = text.indexOf('=');
            if (eq <= 0 || !text.substring(0, eq).matches("[A-Za-z0-9_-]{1,32}")) {
                throw new CommandLine.UsageException("target " + text + " (expected LABEL=IP:PORT)");
            }
            return new Target(text.substring(0, eq), HostPort.parse(text.substring(eq + 1)));
        }
    }
}
