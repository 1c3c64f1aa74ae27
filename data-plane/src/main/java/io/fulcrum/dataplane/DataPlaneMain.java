package io.fulcrum.dataplane;

import io.netty.channel.epoll.Epoll;

import java.util.concurrent.CountDownLatch;

/** Entry point of a data-plane node: parses settings, starts the node, drains it on SIGTERM. */
public final class DataPlaneMain {
    private DataPlaneMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("java.util.logging.manager", NodeLogManager.class.getName());
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
        DataPlaneOptions options;
        try {
            options = DataPlaneOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("fulcrum data plane: " + e.getMessage());
            System.err.println(DataPlaneOptions.USAGE);
            System.exit(2);
            return;
        }
        if (!Epoll.isAvailable()) {
            System.err.println("fulcrum data plane: native epoll is not available: " + Epoll.unavailabilityCause());
            System.exit(1);
        }
        if (options.jsonLogs()) {
            for (java.util.logging.Handler handler : java.util.logging.Logger.getLogger("").getHandlers()) {
                handler.setFormatter(new JsonLogFormatter(options.nodeId()));
            }
        }
        if (java.util.logging.LogManager.getLogManager() instanceof NodeLogManager) {
            NodeLogManager.keepHandlersUntilHalt();
        }
        if (options.warmUpOnly()) {
            // Nothing is served: no configuration, no control plane, no health endpoint.
            System.exit(DataPlaneNode.warmUpOnly(options).failure() == null ? 0 : 1);
            return;
        }
        DataPlaneNode node = new DataPlaneNode(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.shutdown(options.stop());
            stopped.countDown();
            System.out.flush();
            System.err.flush();
            // A SIGTERM-triggered exit would report 143; a drained, orderly stop is a success.
            Runtime.getRuntime().halt(0);
        }, "fulcrum-shutdown"));
        node.start();
        String started = "fulcrum data plane node " + options.nodeId() + " started";
        if (options.jsonLogs()) {
            java.util.logging.Logger.getLogger(DataPlaneMain.class.getName()).info(started);
        } else {
            System.out.println(started);
        }
        System.out.flush();
        stopped.await();
    }
}
