package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.balance.RealServer;

/** Told about health transitions only, never about checks that changed nothing. */
@FunctionalInterface
public interface HealthListener {
    void onTransition(RealServer server, HealthTransition transition);
}
