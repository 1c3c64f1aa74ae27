package io.fulcrum.controlplane.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The configuration as the refresher last read it. A commit of this instance writes an audit entry
 * naming every resource it changes in the statement that bumps the version, so a later read only
 * reads again the virtual services the audit entries since then name; the others are taken from
 * here. After any other change (another instance, a manual edit) everything is read.
 */
record IncrementalRead(long version, List<ConfigState.ConfiguredVirtualService> virtualServices) {

    static final IncrementalRead NONE = new IncrementalRead(-1, List.of());

    IncrementalRead {
        virtualServices = List.copyOf(virtualServices);
    }

    /** Whether every version after this read up to {@code version} was committed by this instance. */
    boolean coversOnlyLocalCommitsUpTo(long version, LongPredicate committedHere) {
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

    /** Whether a service in {@code read} did not exist before, so the order of names must be read. */
    boolean gainsServices(Map<String, ConfigState.ConfiguredVirtualService> read) {
        Map<String, ConfigState.ConfiguredVirtualService> before = byName();
        return read.keySet().stream().anyMatch(name -> !before.containsKey(name));
    }

    /**
     * The configuration at {@code newVersion}: the services named in {@code changed} as in
     * {@code read} (gone when absent there), the others as before, in {@code order} when given
     * (needed when services were added) or else in the order they had.
     */
    IncrementalRead next(long newVersion, Set<String> changed, Map<String, ConfigState.ConfiguredVirtualService> read,
            List<String> order) {
        Map<String, ConfigState.ConfiguredVirtualService> before = byName();
        List<String> names = order != null ? order : virtualServices.stream().map(s -> s.virtualService().name()).toList();
        List<ConfigState.ConfiguredVirtualService> next = new ArrayList<>(names.size());
        for (String name : names) {
            ConfigState.ConfiguredVirtualService service = changed.contains(name) ? read.get(name) : before.get(name);
            if (service != null) {
                next.add(service);
            } else if (!changed.contains(name)) {
                throw new IllegalStateException("virtual service " + name + " is neither known nor read again");
            }
        }
        return new IncrementalRead(newVersion, next);
    }

    ConfigState state() {
        return new ConfigState(version, virtualServices);
    }

    private Map<String, ConfigState.ConfiguredVirtualService> byName() {
        Map<String, ConfigState.ConfiguredVirtualService> byName = new HashMap<>();
        virtualServices.forEach(service -> byName.put(service.virtualService().name(), service));
        return byName;
    }
}
