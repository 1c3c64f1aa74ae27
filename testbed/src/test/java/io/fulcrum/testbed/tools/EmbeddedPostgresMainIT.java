package io.fulcrum.testbed.tools;

import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import io.fulcrum.testbed.e2e.harness.TestbedTool;
import io.fulcrum.testbed.postgres.EmbeddedPostgresMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The local PostgreSQL launcher keeps its data across a stop (SIGTERM) and a restart on the same directory. */
class EmbeddedPostgresMainIT {

    @TempDir
    Path work;

    @Test
    void restartOnTheSameDataDirectoryKeepsTheData() throws Exception {
        int port = FreePorts.on("127.0.0.1");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/fulcrum";
        Path dataDir = work.resolve("pgdata");

        try (ManagedProcess postgres = start(dataDir, port, "first")) {
            try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE kept (value int)");
                statement.execute("INSERT INTO kept VALUES (42)");
            }
            postgres.close();
            assertFalse(postgres.isAlive(), "SIGTERM stops the launcher");
            postgres.awaitOutput("postgres stopped", Duration.ofSeconds(5));
        }

        try (ManagedProcess postgres = start(dataDir, port, "second");
             Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT value FROM kept")) {
            rows.next();
            assertEquals(42, rows.getInt(1));
        }
    }

    private ManagedProcess start(Path dataDir, int port, String run) {
        ManagedProcess postgres = TestbedTool.start("postgres-" + run, EmbeddedPostgresMain.class,
                work.resolve("postgres-" + run + ".log"), "--data-dir", dataDir.toString(), "--port", Integer.toString(port));
        postgres.awaitOutput("postgres ready jdbc:postgresql://127.0.0.1:" + port + "/fulcrum user=postgres", Duration.ofSeconds(120));
        return postgres;
    }
}
