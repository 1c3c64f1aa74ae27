package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.api.DatabaseAvailability;
import io.fulcrum.controlplane.api.ProblemMappers;
import io.fulcrum.controlplane.snapshot.SnapshotRefresher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens to what other control-plane instances commit (PostgreSQL LISTEN/NOTIFY, no broker): a new
 * configuration version (fulcrum_config, announced by a trigger on the version row) is rebuilt and
 * pushed at once, a changed node row (fulcrum_nodes) reloaded. One connection of the pool is held for
 * it; when it breaks the listener reconnects every second and, as notifications may have been
 * missed meanwhile, refreshes both. Polls remain as the safety net.
 */
@ApplicationScoped
public class DatabaseNotifications {

    private static final Logger LOG = Logger.getLogger(DatabaseNotifications.class);
    static final String CONFIG_CHANNEL = "fulcrum_config";
    private static final int WAIT_MILLIS = 500;
    // A partition shows no error on a silent socket: a query this often finds out.
    private static final long PROBE_NANOS = 5_000_000_000L;
    private static final long RECONNECT_MILLIS = 1000;

    @Inject
    DataSource dataSource;
    @Inject
    SnapshotRefresher refresher;
    @Inject
    NodeRegistry registry;
    @Inject
    DatabaseAvailability database;

    private volatile boolean running;
    private Thread thread;

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::listen, "database-notifications");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void listen() {
        boolean failing = false;
        while (running) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(true);
                statement.execute("LISTEN " + CONFIG_CHANNEL);
                statement.execute("LISTEN " + NodeStore.CHANNEL);
                database.reachable();
                if (failing) {
                    LOG.info("listening to the database's notifications again");
                    failing = false;
                }
                refresher.requestRefresh();
                registry.rowsChanged(null);
                PGConnection pg = connection.unwrap(PGConnection.class);
                long probeAt = System.nanoTime() + PROBE_NANOS;
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    // This connection answers: whatever marked the database down is over.
                    database.reachable();
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            deliver(notification);
                        }
                    }
                    if (System.nanoTime() - probeAt > 0) {
                        statement.execute("SELECT 1");
                        probeAt = System.nanoTime() + PROBE_NANOS;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (ProblemMappers.databaseDown(e)) {
                    database.unreachable();
                }
                if (!failing) {
                    failing = true;
                    LOG.warnf("not listening to the database's notifications (%s); retrying every second, polls"
                            + " carry changes meanwhile", e.getMessage());
                }
                try {
                    Thread.sleep(RECONNECT_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void deliver(PGNotification notification) {
        if (CONFIG_CHANNEL.equals(notification.getName())) {
            refresher.requestRefresh();
        } else if (NodeStore.CHANNEL.equals(notification.getName())) {
            registry.rowsChanged(notification.getParameter());
        }
    }
}
