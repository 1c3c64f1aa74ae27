package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Checks one real server on one event loop: a check starts only after the previous one ended
 * plus the interval, so checks never overlap; settings are read afresh for every check, so a
 * config change applies from the next one. The state machine is confined to the loop.
 */
public final class HealthChecker {
    private static final String PING_UNSUPPORTED = "ping check not supported yet";
    private final RealServer server;
    private final Supplier<HealthCheckConfig> settings;
    private final IntSupplier servicePort;
    private final EventLoop loop;
    private final HealthListener listener;
    private final LongSupplier clockMillis;
    private final HealthStateMachine machine = new HealthStateMachine();
    private volatile boolean stopped;
    private ScheduledFuture<?> next;

    public HealthChecker(RealServer server, Supplier<HealthCheckConfig> settings, IntSupplier servicePort,
                         EventLoop loop, HealthListener listener, LongSupplier clockMillis) {
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
        });
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
        switch (config.type()) {
            case NONE -> {
                machine.force(Health.UP, "not checked", clockMillis.getAsLong()).ifPresent(this::emit);
                scheduleNext(config);
            }
            case PING -> {
                // Staying UNKNOWN is no transition, but the report should still say why.
                machine.force(Health.UNKNOWN, PING_UNSUPPORTED, clockMillis.getAsLong()).ifPresentOrElse(
                        this::emit, () -> server.explainHealth(PING_UNSUPPORTED));
                scheduleNext(config);
            }
            case CONNECT, HTTP -> {
                HealthProbe probe = config.type() == io.fulcrum.dataplane.config.HealthCheckType.HTTP
                        ? new HttpProbe() : new ConnectProbe();
                probe.check(loop, target(config), config).addListener(done -> {
                    if (stopped) {
                        return;
                    }
                    ProbeResult result = (ProbeResult) done.getNow();
                    HealthCheckConfig current = settings.get();
                    machine.record(result.success(), result.detail(), current.rise(), current.fall(),
                            clockMillis.getAsLong()).ifPresent(this::emit);
                    scheduleNext(current);
                });
            }
        }
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
