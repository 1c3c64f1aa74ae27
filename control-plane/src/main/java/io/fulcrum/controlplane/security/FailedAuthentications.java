package io.fulcrum.controlplane.security;

import io.fulcrum.controlplane.domain.Limits;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Throttles guessing: a client address with {@link Limits#FAILED_AUTHENTICATIONS} failed
 * authentications within the window is refused (429) until the oldest of them leaves it. Memory
 * is bounded: at most {@link Limits#FAILING_ADDRESSES} addresses, least recently failing forgotten first.
 */
@ApplicationScoped
public class FailedAuthentications {

    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > Limits.FAILING_ADDRESSES;
        }
    };

    /** Seconds the address must wait, or empty when it may try. */
    public synchronized OptionalLong retryAfter(String address, long nowMillis) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return OptionalLong.empty();
        }
        forgetOld(times, nowMillis);
        if (times.size() < Limits.FAILED_AUTHENTICATIONS) {
            return OptionalLong.empty();
        }
        long waitMillis = times.peekFirst() + Limits.FAILED_AUTHENTICATION_WINDOW.toMillis() - nowMillis;
        return OptionalLong.of(Math.max(1, (waitMillis + 999) / 1000));
    }

    public synchronized void failed(String address, long nowMillis) {
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        forgetOld(times, nowMillis);
        times.addLast(nowMillis);
        while (times.size() > Limits.FAILED_AUTHENTICATIONS) {
            times.removeFirst();
        }
    }

    private static void forgetOld(Deque<Long> times, long nowMillis) {
        long oldest = nowMillis - Limits.FAILED_AUTHENTICATION_WINDOW.toMillis();
        while (!times.isEmpty() && times.peekFirst() <= oldest) {
            times.removeFirst();
        }
    }
}
