package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.health.icmp.IcmpPinger;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Checks one real server on one event loop: a check starts only after the previous one ended
 * plus the interval, so checks never overlap; settings are read afresh for every check, so a
 * config change applies from the next one. The state machine is confined to the loop.
 *
 * <p>Passive failures ({@link PassiveFailures}) eject the server: it goes down at once and stays
 * down, unchecked, for 30 s, longer for each ejection soon after the last (up to 5 min); then the
 * checks decide again (rise successes bring it up). A check that cannot see the failure (a ping to
 * a host whose UDP service died) so cannot undo it at once.
 */
public final class HealthChecker {
    static final long BASE_EJECTION_MILLIS = 30_000;
    static final long MAX_EJECTION_MILLIS = 300_000;
    private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());

    private final RealServer server;
    private final Supplier<HealthCheckConfig> settings;
    private final IntSupplier servicePort;
    private final EventLoop loop;
    private final HealthListener listener;
    private final LongSupplier clockMillis;
    private final Supplier<IcmpPinger> pinger;
    private final HealthStateMachine machine = new HealthStateMachine();
    private final EjectionBudget budget;
    private volatile boolean stopped;
    private ScheduledFuture<?> next;
    // Loop-confined: the current ejection, if any, and how many came in a row.
    private boolean ejected;
    private long ejectedUntilMillis;
    private long lastEjectionMillis;
    private int ejections;

    public HealthChecker(RealServer server, Supplier<HealthCheckConfig> settings, IntSupplier servicePort,
                         EventLoop loop, HealthListener listener, LongSupplier clockMillis) {
        this(server, settings, servicePort, loop, listener, clockMillis, IcmpPinger::shared, new EjectionBudget());
    }

    /** With a given pinger (the node's shared one is opened only when a ping check first runs). */
    public HealthChecker(RealServer server, Supplier<HealthCheckConfig> settings, IntSupplier servicePort,
                         EventLoop loop, HealthListener listener, LongSupplier clockMillis,
                         Supplier<IcmpPinger> pinger, EjectionBudget budget) {
        this.pinger = pinger;
        this.budget = budget;
        this.server = server;
        this.settings = settings;
        this.servicePort = servicePort;
        this.loop = loop;
        this.listener = listener;
        this.clockMillis = clockMillis;
    }

    public void start() {
        loop.execute(this::runCheck);
    }

    public void stop() {
        stopped = true;
        loop.execute(() -> {
            if (next != null) {
                next.cancel(false);
            }
            endEjection();
        });
    }

    /** An episode of passive failures: takes the server down now, if the service's budget allows. */
    public void eject(String reason) {
        loop.execute(() -> ejectOnLoop(reason));
    }

    private void ejectOnLoop(String reason) {
        if (stopped || ejected || server.config().state() == AdminState.HALT) {
            return;
        }
        if (!budget.tryEject()) {
            LOG.log(System.Logger.Level.DEBUG, "not ejecting " + server + " (" + reason + "): half of its virtual"
                    + " service's real servers are out already");
            server.passiveFailures().reset();
            return;
        }
        long now = clockMillis.getAsLong();
        ejections = now - lastEjectionMillis > MAX_EJECTION_MILLIS ? 1 : ejections + 1;
        lastEjectionMillis = now;
        long hold = Math.min(MAX_EJECTION_MILLIS, BASE_EJECTION_MILLIS * ejections);
        ejected = true;
        ejectedUntilMillis = now + hold;
        String why = "passive: " + reason + "; checked again in " + hold / 1000 + "s";
        machine.force(Health.DOWN, why, now).ifPresentOrElse(this::emit, () -> server.explainHealth(why));
    }

    private void endEjection() {
        if (ejected) {
            ejected = false;
            budget.returned();
            server.passiveFailures().reset();
        }
    }

    private void runCheck() {
        if (stopped) {
            return;
        }
        HealthCheckConfig config = settings.get();
        if (server.config().state() == AdminState.HALT) {
            scheduleNext(config);
            return;
        }
        if (ejected) {
            if (clockMillis.getAsLong() < ejectedUntilMillis) {
                scheduleNext(config);
                return;
            }
            endEjection();
        }
        switch (config.type()) {
            case NONE -> {
                machine.force(Health.UP, "not checked", clockMillis.getAsLong()).ifPresent(this::emit);
                scheduleNext(config);
            }
            case PING, CONNECT, HTTP, UDP -> {
                Optional<String> cannotPing = config.type() == HealthCheckType.PING
                        ? pinger.get().unavailable(server.config().address()) : Optional.empty();
                if (cannotPing.isPresent()) {
                    // Staying UNKNOWN is no transition, but the report should still say why.
                    machine.force(Health.UNKNOWN, cannotPing.get(), clockMillis.getAsLong()).ifPresentOrElse(
                            this::emit, () -> server.explainHealth(cannotPing.get()));
                    scheduleNext(config);
                    return;
                }
                long startedAt = System.nanoTime();
                probe(config.type()).check(loop, target(config), config).addListener(done -> {
                    if (stopped) {
                        return;
                    }
                    ProbeResult result = (ProbeResult) done.getNow();
                    if (!result.local()) {
                        server.checkDurations().record(System.nanoTime() - startedAt);
                    }
                    HealthCheckConfig current = settings.get();
                    if (result.local()) {
                        // The node's own shortage says nothing about the server: shown, not counted.
                        server.explainHealth(result.detail() + " (not counted)");
                    } else if (result.conclusive()) {
                        machine.force(Health.DOWN, result.detail(), clockMillis.getAsLong()).ifPresent(this::emit);
                    } else {
                        machine.record(result.success(), result.detail(), current.rise(), current.fall(),
                                clockMillis.getAsLong()).ifPresent(this::emit);
                    }
                    scheduleNext(current);
                });
            }
        }
    }

    private HealthProbe probe(HealthCheckType type) {
        return switch (type) {
            case CONNECT -> new ConnectProbe();
            case HTTP -> new HttpProbe();
            case PING -> new PingProbe(pinger.get());
            case UDP -> new UdpProbe();
            case NONE -> throw new IllegalArgumentException("health check type NONE has no probe");
        };
    }

    private void emit(HealthTransition transition) {
        listener.onTransition(server, transition);
    }

    private void scheduleNext(HealthCheckConfig config) {
        if (!stopped) {
            next = loop.schedule(this::runCheck, Math.max(10, config.interval().toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    // healthCheck.port wins; a port-following real server is checked on the service's first port.
    private InetSocketAddress target(HealthCheckConfig config) {
        RealServerConfig c = server.config();
        int port = config.port() != 0 ? config.port() : c.port() != 0 ? c.port() : servicePort.getAsInt();
        return new InetSocketAddress(c.address(), port);
    }
}
