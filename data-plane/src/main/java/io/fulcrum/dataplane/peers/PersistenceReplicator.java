package io.fulcrum.dataplane.peers;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Source-IP persistence shared across the nodes of an HA group, peer to peer (it needs no control
 * plane): the entries this node's connections make or use go to each peer as soon as the replication
 * thread is free, and what the peers send is merged into the local tables, so after a failover (or
 * between two nodes sharing an address with SO_REUSEPORT) every node sends a client to the same real
 * server.
 */
public final class PersistenceReplicator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PersistenceReplicator.class.getName());

    private final PeerGroup group;
    private final ChangedEntries changes;
    private final PeerServer server;
    private final List<PeerLink> links;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fulcrum-peers");
        thread.setDaemon(true);
        return thread;
    });

    public PersistenceReplicator(PeerGroup group, PeerTls tls, ChangedEntries changes, PersistenceDirectory directory) {
        this.group = group;
        this.changes = changes;
        this.server = new PeerServer(group.self().address(), tls.serverCredentials(group.otherIds()), directory);
        this.links = group.others().stream()
                .map(peer -> new PeerLink(peer, tls.channelCredentials(peer.nodeId()), worker, directory))
                .toList();
    }

    public void start() {
        server.start();
        changes.onChange(() -> onWorker(this::flush));
        // Changes made before the start asked nobody; this flush also re-arms the request.
        onWorker(this::flush);
        links.forEach(PeerLink::start);
        LOG.log(Level.INFO, "persistence replication: accepting peers on " + address().getAddress().getHostAddress()
                + ":" + address().getPort() + ", sending to " + group.others());
    }

    /** Where peers reach this node. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** How many peers this node's streams reach right now. */
    public int peersReached() {
        return (int) links.stream().filter(PeerLink::up).count();
    }

    /** Entries the peers sent that are now in this node's tables, and those it could not use. */
    public long entriesReceived() {
        return server.entriesApplied();
    }

    public long entriesIgnored() {
        return server.entriesIgnored();
    }

    private void onWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // Closing: the peers learn the rest when they next connect to a node.
        }
    }

    // Runs on the worker thread.
    private void flush() {
        List<EntryKey> keys = changes.drain();
        if (!keys.isEmpty()) {
            links.forEach(link -> link.offer(keys));
        }
    }

    @Override
    public void close() {
        try {
            worker.submit(() -> links.forEach(PeerLink::close)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing the peer links: " + e);
        }
        worker.shutdownNow();
        try {
            for (PeerLink link : links) {
                link.awaitClosed(Duration.ofSeconds(1));
            }
            server.close(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
