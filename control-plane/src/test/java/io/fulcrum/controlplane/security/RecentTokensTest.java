package io.fulcrum.controlplane.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What may open the operator's view while the database is down: only what was live a moment ago. */
class RecentTokensTest {

    private final RecentTokens recent = new RecentTokens();
    private final ApiTokens.Holder ops = new ApiTokens.Holder("ops", Role.VIEWER);
    private final Instant now = Instant.parse("2026-12-04T04:00:00Z");

    @Test
    void aRecentlyCheckedTokenServesUntilItsTrustOrItsExpiryEnds() {
        recent.checked("h1", ops, now.plus(Duration.ofMinutes(5)), now);
        assertEquals(ops, recent.whileDatabaseIsDown("h1", now.plusSeconds(60)).orElseThrow());
        assertTrue(recent.whileDatabaseIsDown("h1", now.plus(Duration.ofMinutes(5))).isEmpty(), "expired");
        recent.checked("h2", ops, null, now);
        assertTrue(recent.whileDatabaseIsDown("h2", now.plus(RecentTokens.TRUSTED_FOR).plusSeconds(1)).isEmpty(),
                "checked too long ago");
        assertTrue(recent.whileDatabaseIsDown("never", now).isEmpty());
    }

    @Test
    void aTokenRevokedOrRefusedHereIsForgottenAtOnce() {
        recent.checked("h1", ops, null, now);
        recent.forget("ops");
        assertTrue(recent.whileDatabaseIsDown("h1", now).isEmpty());
        recent.checked("h2", ops, null, now);
        recent.refused("h2");
        assertTrue(recent.whileDatabaseIsDown("h2", now).isEmpty());
    }
}
