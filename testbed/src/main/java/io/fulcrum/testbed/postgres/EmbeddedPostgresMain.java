package io.fulcrum.testbed.postgres;

import io.fulcrum.testbed.cli.CommandLine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/** Runs a real PostgreSQL 14 whose data directory survives restarts, so a local Fulcrum keeps its configuration. */
public final class EmbeddedPostgresMain {

    static final String DATABASE = "fulcrum";

    private EmbeddedPostgresMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine commandLine;
        Path dataDir;
        int port;
        try {
            commandLine = CommandLine.parse(args, "data-dir", "port");
            dataDir = Path.of(commandLine.required("data-dir")).toAbsolutePath();
            port = commandLine.requiredPort("port");
        } catch (CommandLine.UsageException e) {
            System.err.println("usage: --data-dir DIR --port P: " + e.getMessage());
            System.exit(2);
            return;
        }
        EmbeddedPostgres postgres = start(dataDir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT run shutdown hooks; stopping PostgreSQL there (pg_ctl stop, fast mode) checkpoints
        // the data directory so the next start does not need crash recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
                System.out.println("postgres stopped");
            } catch (IOException e) {
                System.err.println("postgres stop failed: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "postgres-stop"));
        System.out.println("postgres ready jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + " user=postgres");
        System.out.flush();
        stopped.await();
    }

    /** Starts PostgreSQL on the data directory (initdb only when it is empty) and ensures the fulcrum database. */
    static EmbeddedPostgres start(Path dataDir, int port) throws IOException, SQLException {
        Files.createDirectories(dataDir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        createDatabaseIfMissing(postgres);
        return postgres;
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }
}
