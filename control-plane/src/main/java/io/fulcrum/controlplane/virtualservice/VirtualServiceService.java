package io.fulcrum.controlplane.virtualservice;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.config.Change;
import io.fulcrum.controlplane.config.ConfigVersions;
import io.fulcrum.controlplane.config.ConsistentRead;
import io.fulcrum.controlplane.config.CountLimits;
import io.fulcrum.controlplane.config.Stamps;
import io.fulcrum.controlplane.config.WriteResult;
import io.fulcrum.controlplane.domain.AuditAction;
import io.fulcrum.controlplane.snapshot.ConfigStateReader;
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
import java.util.List;

/**
 * Reads and writes virtual services, one transaction per call. A write locks only the row it
 * changes, so writes to different virtual services proceed in parallel.
 */
@ApplicationScoped
public class VirtualServiceService {

    public static final String COLLECTION = "/api/v1/virtual-services";

    @Inject
    ConfigVersions versions;
    @Inject
    EntityManager entityManager;
    @Inject
    ListenerClaims listeners;
    @Inject
    CountLimits counts;

    /** A read together with the configuration version it was read at. */
    public record Read<T>(T value, long configVersion) {
    }

    @Transactional
    public Read<List<VirtualService>> list() {
        ConsistentRead.begin(entityManager);
        List<VirtualService> all = VirtualServiceEntity.<VirtualServiceEntity>listAll(Sort.by("name")).stream()
                .map(VirtualServiceMapper::toRecord).toList();
        return new Read<>(all, versions.current());
    }

    @Transactional
    public Read<VirtualService> get(String name) {
        ConsistentRead.begin(entityManager);
        return new Read<>(VirtualServiceMapper.toRecord(existing(name, false)), versions.current());
    }

    @Transactional
    public WriteResult<VirtualService> create(VirtualService wanted) {
        if (VirtualServiceEntity.findByName(wanted.name()) != null) {
            throw ProblemException.conflict("name", "name: virtual service " + wanted.name() + " already exists");
        }
        return insert(wanted);
    }

    @Transactional
    public WriteResult<VirtualService> put(String name, VirtualService wanted, IfMatch ifMatch) {
        VirtualServiceEntity entity = locked(name);
        ifMatch.check(entity == null ? null : entity.version);
        return entity == null ? insert(wanted) : replace(entity, wanted, AuditAction.REPLACE);
    }

    @Transactional
    public WriteResult<VirtualService> patch(String name, ObjectNode patch, IfMatch ifMatch) {
        VirtualServiceEntity entity = existing(name, true);
        ifMatch.check(entity.version);
        ObjectNode current = JsonBodies.toTree(VirtualServiceMapper.toRecord(entity));
        ObjectNode merged = (ObjectNode) JsonBodies.mergePatch(current, patch);
        return replace(entity, VirtualServiceReader.read(merged, name), AuditAction.PATCH);
    }

    @Transactional
    public WriteResult<VirtualService> delete(String name, IfMatch ifMatch) {
        VirtualServiceEntity entity = existing(name, true);
        ifMatch.check(entity.version);
        String before = JsonBodies.toJson(VirtualServiceMapper.toRecord(entity));
        entity.delete();
        long version = versions.commit(new Change(AuditAction.DELETE, path(name), before, null), Stamps.NONE);
        return new WriteResult<>(null, version, false, true);
    }

    /** The row, locked when about to be written; 404 when it does not exist. */
    public VirtualServiceEntity existing(String name, boolean forUpdate) {
        VirtualServiceEntity entity = forUpdate ? locked(name) : VirtualServiceEntity.findByName(name);
        if (entity == null) {
            throw ProblemException.notFound("name", "virtual service " + name + " does not exist");
        }
        return entity;
    }

    private VirtualServiceEntity locked(String name) {
        return VirtualServiceEntity.<VirtualServiceEntity>find("name", name)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    private WriteResult<VirtualService> insert(VirtualService wanted) {
        counts.admitVirtualService();
        checkListeners(wanted, null);
        VirtualServiceEntity entity = new VirtualServiceEntity();
        VirtualServiceMapper.copyInto(wanted, entity);
        entity.persist();
        listeners.claim(entity.id, wanted.address(), wanted.protocol(), wanted.ports());
        long version = versions.commit(new Change(AuditAction.CREATE, path(wanted.name()), null, JsonBodies.toJson(wanted)), Stamps.virtualService(entity.id));
        return new WriteResult<>(wanted.withVersion(version), version, true, true)
                .withWarnings(UdpHealthCheck.forVirtualService(wanted, ""));
    }

    private WriteResult<VirtualService> replace(VirtualServiceEntity entity, VirtualService wanted, AuditAction action) {
        VirtualService current = VirtualServiceMapper.toRecord(entity);
        if (current.sameConfiguration(wanted)) {
            // Nothing changes, so no version is produced: re-running a script is free.
            return new WriteResult<>(current, versions.current(), false, false);
        }
        checkListeners(wanted, entity.id);
        VirtualServiceMapper.copyInto(wanted, entity);
        listeners.claim(entity.id, wanted.address(), wanted.protocol(), wanted.ports());
        long version = versions.commit(new Change(action, path(wanted.name()), JsonBodies.toJson(current),
                JsonBodies.toJson(wanted)), Stamps.virtualService(entity.id));
        WriteResult<VirtualService> result = new WriteResult<>(wanted.withVersion(version), version, false, true);
        // Advice, never a refusal. Only a layer change can newly mix layers on its real servers.
        List<Warning> warnings = new ArrayList<>(UdpHealthCheck.forVirtualService(wanted, ""));
        if (current.layer() != wanted.layer()) {
            warnings.addAll(LayerMix.forVirtualService(ConfigStateReader.virtualServices(), wanted.name(), "layer"));
        }
        return result.withWarnings(warnings);
    }

    private void checkListeners(VirtualService wanted, Long ownId) {
        listeners.conflict(wanted.address(), wanted.protocol(), wanted.ports(), ownId)
                .ifPresent(message -> {
                    throw ProblemException.conflict("ports", message);
                });
    }

    public static String path(String name) {
        return COLLECTION + "/" + name;
    }
}
