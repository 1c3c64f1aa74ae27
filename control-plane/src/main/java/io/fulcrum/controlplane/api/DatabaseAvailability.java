package io.fulcrum.controlplane.api;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether PostgreSQL was found unreachable a moment ago, so that requests needing it fail at once
 * with 503 instead of each waiting on the connection pool (seconds, and longer as they queue behind
 * one another). Marked down by any access that found it unreachable, for {@link #DOWN_FOR_MILLIS};
 * the database listener retries every second and marks it up as soon as it connects again. Should
 * nothing confirm the outage, it lapses and the next request tries the database itself.
 */
@ApplicationScoped
public class DatabaseAvailability {

    static final long DOWN_FOR_MILLIS = 5_000;

    private volatile long downUntilMillis;

    public void unreachable() {
        downUntilMillis = System.currentTimeMillis() + DOWN_FOR_MILLIS;
    }

    public void reachable() {
        downUntilMillis = 0;
    }

    /** Whether a request needing the database should not even try it now. */
    public boolean knownDown() {
        return downUntilMillis != 0 && System.currentTimeMillis() < downUntilMillis;
    }

    /** Unless the database is known to be down: then the 503 every caller gets. */
    public void require() {
        if (knownDown()) {
            throw ProblemException.databaseUnavailable(ProblemMappers.DATABASE_RETRY_SECONDS);
        }
    }
}
