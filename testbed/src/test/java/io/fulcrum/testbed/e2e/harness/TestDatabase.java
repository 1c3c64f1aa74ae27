package io.fulcrum.testbed.e2e.harness;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh, empty PostgreSQL database for one test run: an embedded PostgreSQL started in the test JVM, or,
 * when FULCRUM_TEST_DB_URL is set, a new database created on that server and dropped afterwards.
 */
public final class TestDatabase implements AutoCloseable {

    private EmbeddedPostgres embedded;
    // Set for a database whose server may be stopped and started again with its data.
    private java.nio.file.Path dataDirectory;
    private int port;
    private final String adminUrl;
    private final String database;
    private final String user;
    private final String password;

    private TestDatabase(EmbeddedPostgres embedded, String adminUrl, String database, String user, String password) {
        this.embedded = embedded;
        this.adminUrl = adminUrl;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    public static TestDatabase create() {
        String externalUrl = System.getenv("FULCRUM_TEST_DB_URL");
        String database = "fulcrum_e2e_" + Long.toString(System.currentTimeMillis(), 36);
        try {
            if (externalUrl != null && !externalUrl.isBlank()) {
                TestDatabase db = new TestDatabase(null, externalUrl, database,
                        envOr("FULCRUM_TEST_DB_USER", "postgres"), envOr("FULCRUM_TEST_DB_PASSWORD", "postgres"));
                db.execute("CREATE DATABASE " + database);
                return db;
            }
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            TestDatabase db = new TestDatabase(embedded, embedded.getJdbcUrl("postgres", "postgres"), database,
                    "postgres", "postgres");
            db.execute("CREATE DATABASE " + database);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /**
     * An embedded server (never the external one) on a fixed port whose data survives {@link #stopServer()},
     * so a test can take the database away and bring it back.
     */
    public static TestDatabase createRestartable(java.nio.file.Path dataDirectory) {
        int port = FreePorts.on("127.0.0.1");
        EmbeddedPostgres embedded = startEmbedded(dataDirectory, port);
        TestDatabase db = new TestDatabase(embedded, embedded.getJdbcUrl("postgres", "postgres"),
                "fulcrum_e2e_" + Long.toString(System.currentTimeMillis(), 36), "postgres", "postgres");
        db.dataDirectory = dataDirectory;
        db.port = port;
        db.execute("CREATE DATABASE " + db.database);
        return db;
    }

    /** Stops the server of a restartable database, as an outage would; its data stays. */
    public void stopServer() {
        try {
            embedded.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it again on the same port with the same data. */
    public void startServer() {
        embedded = startEmbedded(dataDirectory, port);
    }

    private static EmbeddedPostgres startEmbedded(java.nio.file.Path dataDirectory, int port) {
        try {
            return EmbeddedPostgres.builder().setDataDirectory(dataDirectory.toFile()).setCleanDataDirectory(false)
                    .setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** The JDBC URL of the fresh database: the admin URL with its database name replaced. */
    public String url() {
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?', slash);
        return adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() {
        try {
            if (embedded != null) {
                embedded.close();
            } else {
                execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("cleanup of test database " + database + " failed: " + e);
        }
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + adminUrl + ": " + e.getMessage(), e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
