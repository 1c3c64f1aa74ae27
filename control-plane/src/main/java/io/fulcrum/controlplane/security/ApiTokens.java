package io.fulcrum.controlplane.security;

import io.fulcrum.controlplane.api.DatabaseAvailability;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.api.ProblemMappers;
import io.fulcrum.controlplane.config.Change;
import io.fulcrum.controlplane.config.ConfigVersions;
import io.fulcrum.controlplane.domain.AuditAction;
import io.fulcrum.controlplane.domain.JsonName;
import io.fulcrum.controlplane.domain.Limits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.hibernate.Session;

/**
 * Creates, lists, revokes and checks API tokens. A check is one indexed read of the secret's hash
 * on every request, so a revoked or expired token fails at once, on every control-plane instance.
 */
@ApplicationScoped
public class ApiTokens {

    static final String COLLECTION = "/api/v1/tokens";
    private static final String COLUMNS = "name, role, created_at, expires_at, revoked_at";

    @Inject
    DataSource dataSource;
    @Inject
    EntityManager entityManager;
    @Inject
    ConfigVersions versions;
    @Inject
    DatabaseAvailability database;
    private final RecentTokens recent = new RecentTokens();

    /** A caller a token names. */
    public record Holder(String name, Role role) {
    }

    /**
     * The holder of {@code secret} when it is a live token: not revoked, not expired. While the
     * database cannot be reached, a token checked live within the last minutes still is (RecentTokens).
     */
    public Optional<Holder> authenticate(String secret) {
        String hash = TokenSecrets.hash(secret);
        if (database.knownDown()) {
            Optional<Holder> recentlyLive = recent.whileDatabaseIsDown(hash, Instant.now());
            if (recentlyLive.isPresent()) {
                return recentlyLive;
            }
            database.require();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT name, role, expires_at FROM api_token"
                     + " WHERE secret_sha256 = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())")) {
            query.setString(1, hash);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    recent.refused(hash);
                    return Optional.empty();
                }
                Holder holder = new Holder(row.getString(1), JsonName.stored(Role.class, row.getString(2)));
                Timestamp expires = row.getTimestamp(3);
                recent.checked(hash, holder, expires == null ? null : expires.toInstant(), Instant.now());
                return Optional.of(holder);
            }
        } catch (SQLException e) {
            if (ProblemMappers.databaseUnreachable(e)) {
                if (ProblemMappers.databaseDown(e)) {
                    database.unreachable();
                }
                Optional<Holder> recentlyLive = recent.whileDatabaseIsDown(hash, Instant.now());
                if (recentlyLive.isPresent()) {
                    return recentlyLive;
                }
            }
            throw new IllegalStateException("cannot check the token", e);
        }
    }

    /** Creates a token and returns it with its secret, which is not kept. */
    @Transactional
    public TokenView create(String name, Role role, Duration lifetime) {
        String secret = TokenSecrets.generate();
        TokenView created = session().doReturningWork(connection -> {
            if (count(connection) >= Limits.TOKENS) {
                throw ProblemException.conflict("name", "name: there are already " + Limits.TOKENS
                        + " tokens, the most there may be; revoked ones count too");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO api_token (name, role, secret_sha256,"
                    + " expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING " + COLUMNS)) {
                insert.setString(1, name);
                insert.setString(2, role.json());
                insert.setString(3, TokenSecrets.hash(secret));
                insert.setTimestamp(4, lifetime == null ? null
                        : Timestamp.from(Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS)));
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        throw ProblemException.conflict("name", "name: a token named " + name
                                + " exists or existed (names of revoked tokens are not reused)");
                    }
                    return view(row);
                }
            }
        });
        versions.audit(new Change(AuditAction.CREATE, path(name), null, JsonBodies.toJson(created)));
        return created.withSecret(secret);
    }

    @Transactional
    public List<TokenView> list() {
        return session().doReturningWork(connection -> {
            List<TokenView> tokens = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM api_token ORDER BY name"); ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tokens.add(view(rows));
                }
            }
            return tokens;
        });
    }

    /** Revokes the named token at once; revoking a revoked token changes nothing. */
    @Transactional
    public void revoke(String name) {
        Optional<TokenView[]> revoked = session().doReturningWork(connection -> {
            TokenView before;
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM api_token WHERE name = ? FOR UPDATE")) {
                query.setString(1, name);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        throw ProblemException.notFound("name", "token " + name + " does not exist");
                    }
                    before = view(row);
                }
            }
            if (before.revokedAt() != null) {
                return Optional.empty();
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE api_token SET revoked_at = now()"
                    + " WHERE name = ? RETURNING " + COLUMNS)) {
                update.setString(1, name);
                try (ResultSet row = update.executeQuery()) {
                    row.next();
                    return Optional.of(new TokenView[] {before, view(row)});
                }
            }
        });
        recent.forget(name);
        revoked.ifPresent(views -> versions.audit(new Change(AuditAction.DELETE, path(name),
                JsonBodies.toJson(views[0]), JsonBodies.toJson(views[1]))));
    }

    /**
     * Makes {@code secret} the admin token named "bootstrap", unless that token was revoked: an
     * operator who revoked it meant it, and a restart must not bring it back.
     */
    @Transactional
    public boolean bootstrap(String secret) {
        recent.forget("bootstrap");
        return session().doReturningWork(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO api_token (name, role, secret_sha256)"
                    + " VALUES ('bootstrap', 'admin', ?) ON CONFLICT (name) DO UPDATE SET secret_sha256 = EXCLUDED.secret_sha256"
                    + " WHERE api_token.revoked_at IS NULL RETURNING name")) {
                upsert.setString(1, TokenSecrets.hash(secret));
                try (ResultSet row = upsert.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    private static long count(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM api_token");
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static TokenView view(ResultSet row) throws SQLException {
        return new TokenView(row.getString(1), JsonName.stored(Role.class, row.getString(2)), text(row.getTimestamp(3)),
                text(row.getTimestamp(4)), text(row.getTimestamp(5)), null);
    }

    private static String text(Timestamp at) {
        return at == null ? null : at.toInstant().toString();
    }

    static String path(String name) {
        return COLLECTION + "/" + name;
    }

    private Session session() {
        return entityManager.unwrap(Session.class);
    }
}
