package io.fulcrum.controlplane.declarative;

import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.config.Change;
import io.fulcrum.controlplane.config.ConfigVersions;
import io.fulcrum.controlplane.config.CountLimits;
import io.fulcrum.controlplane.config.Stamps;
import io.fulcrum.controlplane.domain.AuditAction;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.realserver.RealServerEntity;
import io.fulcrum.controlplane.realserver.RealServerService;
import io.fulcrum.controlplane.snapshot.ConfigState.ConfiguredVirtualService;
import io.fulcrum.controlplane.virtualservice.ListenerClaims;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import io.fulcrum.controlplane.virtualservice.VirtualServiceEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceMapper;
import io.fulcrum.controlplane.virtualservice.VirtualServiceService;
import io.fulcrum.controlplane.warning.LayerMix;
import io.fulcrum.controlplane.warning.UdpHealthCheck;
import io.fulcrum.controlplane.warning.Warning;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the stored configuration equal to a document in one transaction and one version: what is
 * missing is created, what differs is replaced, what is not in the document is deleted, and what
 * is equal is left alone (keeping its version). Every virtual service row is locked first, so a
 * concurrent single-resource write either lands before the plan is made or waits for the commit.
 */
@ApplicationScoped
public class ConfigApplier {

    @Inject
    ConfigVersions versions;
    @Inject
    ListenerClaims listeners;
    @Inject
    EntityManager entityManager;
    @Inject
    CountLimits counts;

    @Transactional
    public ConfigPlan apply(List<DesiredVirtualService> desired, boolean dryRun, IfMatch ifMatch) {
        // Taken before the plan, so no single create lands between reading and writing the services.
        counts.lockVirtualServices();
        long current = versions.current();
        ifMatch.check(current);
        Map<String, VirtualServiceEntity> stored = new LinkedHashMap<>();
        VirtualServiceEntity.<VirtualServiceEntity>findAll(Sort.by("name")).withLock(LockModeType.PESSIMISTIC_WRITE)
                .list().forEach(entity -> stored.put(entity.name, entity));
        Map<Long, Map<String, RealServerEntity>> storedServers = new HashMap<>();
        RealServerEntity.<RealServerEntity>findAll(Sort.by("label")).list().forEach(entity -> storedServers
                .computeIfAbsent(entity.virtualServiceId, id -> new LinkedHashMap<>()).put(entity.label, entity));

        Work work = plan(desired, stored, storedServers);
        if (dryRun || work.changes.isEmpty()) {
            return work.plan(dryRun, false, current);
        }
        long version = execute(work);
        return work.plan(false, true, version);
    }

    private record Recorded(AuditAction action, String path, Object before, Object after) {
    }

    /** Everything one apply does, collected before anything is written. */
    private static final class Work {
        /** What the audit will record; rendered to JSON only when the plan is executed, never for a dry run. */
        final List<Recorded> changes = new ArrayList<>();
        final List<String> create = new ArrayList<>();
        final List<String> replace = new ArrayList<>();
        final List<String> delete = new ArrayList<>();
        final List<VirtualServiceEntity> deletedServices = new ArrayList<>();
        final List<RealServerEntity> removedServers = new ArrayList<>();
        final Map<VirtualServiceEntity, VirtualService> writtenServices = new LinkedHashMap<>();
        final List<Map.Entry<String, RealServer>> writtenServers = new ArrayList<>();
        List<Warning> warnings = List.of();

        void record(AuditAction action, String path, Object before, Object after) {
            switch (action) {
                case CREATE -> create.add(path);
                case DELETE -> delete.add(path);
                case REPLACE, PATCH -> replace.add(path);
            }
            changes.add(new Recorded(action, path, before, after));
        }

        ConfigPlan plan(boolean dryRun, boolean changed, long version) {
            return ConfigPlan.of(dryRun, changed, version, create, replace, delete, warnings);
        }
    }

    private static Work plan(List<DesiredVirtualService> desired, Map<String, VirtualServiceEntity> stored,
            Map<Long, Map<String, RealServerEntity>> storedServers) {
        Work work = new Work();
        List<Warning> warnings = new ArrayList<>(LayerMix.forDocument(desired.stream()
                .map(d -> new ConfiguredVirtualService(d.virtualService(), d.realServers())).toList()));
        for (int i = 0; i < desired.size(); i++) {
            warnings.addAll(UdpHealthCheck.forVirtualService(desired.get(i).virtualService(), "virtualServices[" + i + "]."));
        }
        work.warnings = warnings;
        Map<String, DesiredVirtualService> wanted = new LinkedHashMap<>();
        desired.forEach(d -> wanted.put(d.virtualService().name(), d));
        for (VirtualServiceEntity entity : stored.values()) {
            if (!wanted.containsKey(entity.name)) {
                work.deletedServices.add(entity);
                work.record(AuditAction.DELETE, VirtualServiceService.path(entity.name), VirtualServiceMapper.toRecord(entity), null);
            }
        }
        for (DesiredVirtualService d : desired) {
            VirtualService vs = d.virtualService();
            VirtualServiceEntity entity = stored.get(vs.name());
            if (entity == null) {
                work.writtenServices.put(new VirtualServiceEntity(), vs);
                work.record(AuditAction.CREATE, VirtualServiceService.path(vs.name()), null, vs);
            } else if (!VirtualServiceMapper.toRecord(entity).sameConfiguration(vs)) {
                work.writtenServices.put(entity, vs);
                work.record(AuditAction.REPLACE, VirtualServiceService.path(vs.name()), VirtualServiceMapper.toRecord(entity), vs);
            }
            Map<String, RealServerEntity> servers = entity == null
                    ? Map.of() : storedServers.getOrDefault(entity.id, Map.of());
            planRealServers(work, vs.name(), d.realServers(), servers);
        }
        return work;
    }

    private static void planRealServers(Work work, String service, List<RealServer> desired,
            Map<String, RealServerEntity> stored) {
        Map<String, RealServer> wanted = new LinkedHashMap<>();
        desired.forEach(rs -> wanted.put(rs.label(), rs));
        for (RealServerEntity entity : stored.values()) {
            if (!wanted.containsKey(entity.label)) {
                work.removedServers.add(entity);
                work.record(AuditAction.DELETE, RealServerService.path(service, entity.label), entity.toRecord(), null);
            }
        }
        for (RealServer rs : desired) {
            RealServerEntity entity = stored.get(rs.label());
            if (entity == null) {
                work.writtenServers.add(Map.entry(service, rs));
                work.record(AuditAction.CREATE, RealServerService.path(service, rs.label()), null, rs);
            } else if (!entity.toRecord().sameConfiguration(rs)) {
                // Replaced as delete + insert so endpoints may move between real servers without
                // tripping the unique index halfway through.
                work.removedServers.add(entity);
                work.writtenServers.add(Map.entry(service, rs));
                work.record(AuditAction.REPLACE, RealServerService.path(service, rs.label()), entity.toRecord(), rs);
            }
        }
    }

    private long execute(Work work) {
        work.removedServers.forEach(RealServerEntity::delete);
        work.deletedServices.forEach(VirtualServiceEntity::delete);
        // Hibernate would run deletes after inserts; flushing here frees names, labels and endpoints first.
        entityManager.flush();
        Map<String, Long> serviceIds = new HashMap<>();
        VirtualServiceEntity.<VirtualServiceEntity>listAll().forEach(e -> serviceIds.put(e.name, e.id));
        List<Long> stampedServices = new ArrayList<>();
        for (Map.Entry<VirtualServiceEntity, VirtualService> entry : work.writtenServices.entrySet()) {
            VirtualServiceEntity entity = entry.getKey();
            if (entity.id != null) {
                listeners.release(entity.id);
            }
            VirtualServiceMapper.copyInto(entry.getValue(), entity);
            entity.persist();
        }
        entityManager.flush();
        Map<Long, ListenerClaims.Listeners> claims = new LinkedHashMap<>();
        for (Map.Entry<VirtualServiceEntity, VirtualService> entry : work.writtenServices.entrySet()) {
            VirtualService vs = entry.getValue();
            claims.put(entry.getKey().id, new ListenerClaims.Listeners(vs.address(), vs.protocol(), vs.ports()));
            serviceIds.put(vs.name(), entry.getKey().id);
            stampedServices.add(entry.getKey().id);
        }
        listeners.addAll(claims);
        List<RealServerEntity> inserted = new ArrayList<>();
        for (Map.Entry<String, RealServer> entry : work.writtenServers) {
            RealServerEntity entity = new RealServerEntity();
            entity.virtualServiceId = serviceIds.get(entry.getKey());
            entity.copyFrom(entry.getValue());
            entity.persist();
            inserted.add(entity);
        }
        // One flush for all rows: a flush per row walks the whole persistence context each time.
        entityManager.flush();
        List<Long> stampedServers = inserted.stream().map(entity -> entity.id).toList();
        List<Change> audit = work.changes.stream().map(c -> new Change(c.action(), c.path(), JsonBodies.toJson(c.before()),
                JsonBodies.toJson(c.after()))).toList();
        return versions.commit(audit, new Stamps(stampedServices, stampedServers));
    }
}
