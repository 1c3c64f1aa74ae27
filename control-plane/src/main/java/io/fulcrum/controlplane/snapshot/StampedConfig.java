package io.fulcrum.controlplane.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The configuration as the refresher last read it, with the stamp of each virtual service. Every
 * write stamps the rows it inserts or changes with the version it commits, higher than any before,
 * and a delete lowers the count of real servers, so an unchanged stamp means unchanged rows: a
 * rebuild reads again only the services whose stamp moved, inside the same consistent transaction.
 * That holds for the commits of this instance only; after any other change everything is read.
 */
record StampedConfig(long version, List<Entry> entries) {

    static final StampedConfig NONE = new StampedConfig(-1, List.of());

    /**
     * @param latestRealServerVersion the highest version among its real servers, 0 without any
     */
    record Stamp(long id, long version, long realServers, long latestRealServerVersion) {
    }

    record Entry(Stamp stamp, ConfigState.ConfiguredVirtualService configured) {
    }

    StampedConfig {
        entries = List.copyOf(entries);
    }

    /**
     * Whether every version after this read up to {@code version} was committed by this instance,
     * whose commits stamp the rows they change; a change from elsewhere (another instance, a manual
     * edit) may not have stamped anything, so it needs a full read.
     */
    boolean coversOnlyStampedCommitsUpTo(long version, LongPredicate committedHere) {
        if (this.version < 0 || version < this.version) {
            return false;
        }
        for (long v = this.version + 1; v <= version; v++) {
            if (!committedHere.test(v)) {
                return false;
            }
        }
        return true;
    }

    /** The virtual services (by id) whose stamp is new or differs from the one read before. */
    List<Long> changedIds(List<Stamp> stamps) {
        Map<Long, Stamp> before = stampsById();
        List<Long> changed = new ArrayList<>();
        for (Stamp stamp : stamps) {
            if (!stamp.equals(before.get(stamp.id()))) {
                changed.add(stamp.id());
            }
        }
        return changed;
    }

    /** The configuration at {@code newVersion}: services with a known stamp reused, the others from {@code read}. */
    StampedConfig next(long newVersion, List<Stamp> stamps, Map<Long, ConfigState.ConfiguredVirtualService> read) {
        Map<Long, Entry> before = new HashMap<>();
        entries.forEach(entry -> before.put(entry.stamp().id(), entry));
        List<Entry> next = new ArrayList<>(stamps.size());
        for (Stamp stamp : stamps) {
            ConfigState.ConfiguredVirtualService configured = read.get(stamp.id());
            if (configured == null) {
                configured = before.get(stamp.id()).configured();
            }
            next.add(new Entry(stamp, configured));
        }
        return new StampedConfig(newVersion, next);
    }

    ConfigState state() {
        return new ConfigState(version, entries.stream().map(Entry::configured).toList());
    }

    private Map<Long, Stamp> stampsById() {
        Map<Long, Stamp> byId = new HashMap<>();
        entries.forEach(entry -> byId.put(entry.stamp().id(), entry.stamp()));
        return byId;
    }
}
