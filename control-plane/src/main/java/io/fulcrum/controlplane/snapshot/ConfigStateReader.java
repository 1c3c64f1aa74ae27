package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.config.ConsistentRead;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.realserver.RealServerEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceMapper;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Reads the version row and every virtual and real server in one REPEATABLE READ, read-only
 * transaction, so the state it returns is exactly the configuration committed at that version.
 */
@ApplicationScoped
public class ConfigStateReader {

    @Inject
    EntityManager entityManager;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public ConfigState read() {
        ConsistentRead.begin(entityManager);
        long version = currentVersion();
        return new ConfigState(version, entityManager.unwrap(Session.class).doReturningWork(ConfigRows::virtualServices));
    }

    /**
     * The same consistent read as {@link #read()}; when only versions for which
     * {@code committedHere} is true were committed since {@code previous}, only the virtual
     * services their audit entries name are read again and the others are taken from it.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    IncrementalRead readChanged(IncrementalRead previous, LongPredicate committedHere) {
        ConsistentRead.begin(entityManager);
        long version = currentVersion();
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            if (version == previous.version()) {
                return previous;
            }
            Optional<Set<String>> changed = previous.coversOnlyLocalCommitsUpTo(version, committedHere)
                    ? ConfigRows.changedServiceNames(connection, previous.version(), version) : Optional.empty();
            if (changed.isEmpty()) {
                return new IncrementalRead(version, ConfigRows.virtualServices(connection));
            }
            Map<String, ConfigState.ConfiguredVirtualService> read = ConfigRows.virtualServices(connection, changed.get());
            List<String> order = previous.gainsServices(read) ? ConfigRows.serviceNames(connection) : null;
            return previous.next(version, changed.get(), read, order);
        });
    }

    /**
     * Every virtual service with its real servers as the caller's transaction sees them, including
     * its own unflushed changes (queries flush first).
     */
    public static List<ConfigState.ConfiguredVirtualService> virtualServices() {
        Map<Long, List<RealServer>> realServers = new HashMap<>();
        for (RealServerEntity entity : RealServerEntity.<RealServerEntity>listAll(Sort.by("label"))) {
            realServers.computeIfAbsent(entity.virtualServiceId, id -> new ArrayList<>()).add(entity.toRecord());
        }
        List<ConfigState.ConfiguredVirtualService> services = new ArrayList<>();
        for (VirtualServiceEntity entity : VirtualServiceEntity.<VirtualServiceEntity>listAll(Sort.by("name"))) {
            services.add(new ConfigState.ConfiguredVirtualService(VirtualServiceMapper.toRecord(entity),
                    List.copyOf(realServers.getOrDefault(entity.id, List.of()))));
        }
        return List.copyOf(services);
    }

    /**
     * The real servers at {@code address} that belong to a virtual service of another layer than
     * {@code layer}, grouped under their virtual services: the only ones a layer-mix check of a real
     * server at that address can match, read without loading the whole configuration.
     */
    public static List<ConfigState.ConfiguredVirtualService> otherLayerServicesWithRealServerAt(String address,
            int layer) {
        Map<Long, List<RealServer>> realServers = new HashMap<>();
        for (RealServerEntity entity : RealServerEntity.<RealServerEntity>list("address = ?1 and virtualServiceId in "
                + "(select v.id from VirtualServiceEntity v where v.layer <> ?2)", Sort.by("label"), address, layer)) {
            realServers.computeIfAbsent(entity.virtualServiceId, id -> new ArrayList<>()).add(entity.toRecord());
        }
        if (realServers.isEmpty()) {
            return List.of();
        }
        List<ConfigState.ConfiguredVirtualService> services = new ArrayList<>();
        for (VirtualServiceEntity entity : VirtualServiceEntity.<VirtualServiceEntity>list("id in ?1", Sort.by("name"),
                realServers.keySet())) {
            services.add(new ConfigState.ConfiguredVirtualService(VirtualServiceMapper.toRecord(entity),
                    List.copyOf(realServers.get(entity.id))));
        }
        return List.copyOf(services);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public long version() {
        return currentVersion();
    }

    private long currentVersion() {
        return ((Number) entityManager.createNativeQuery("SELECT version FROM config_version WHERE id = 1")
                .getSingleResult()).longValue();
    }
}
