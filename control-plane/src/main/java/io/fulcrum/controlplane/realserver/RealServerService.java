package io.fulcrum.controlplane.realserver;

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
import io.fulcrum.controlplane.virtualservice.VirtualServiceEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceMapper;
import io.fulcrum.controlplane.warning.LayerMix;
import io.fulcrum.controlplane.warning.Warning;
import io.fulcrum.controlplane.virtualservice.VirtualServiceService;
import io.fulcrum.controlplane.virtualservice.VirtualServiceService.Read;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes the real servers of one virtual service. Writes share-lock the virtual service
 * (so it cannot be deleted underneath) and write-lock only the real server they change.
 */
@ApplicationScoped
public class RealServerService {

    @Inject
    ConfigVersions versions;
    @Inject
    EntityManager entityManager;
    @Inject
    CountLimits counts;

    @Transactional
    public Read<List<RealServer>> list(String serviceName) {
        ConsistentRead.begin(entityManager);
        VirtualServiceEntity service = virtualService(serviceName, false);
        List<RealServer> all = RealServerEntity.<RealServerEntity>list("virtualServiceId", Sort.by("label"), service.id)
                .stream().map(RealServerEntity::toRecord).toList();
        return new Read<>(all, versions.current());
    }

    @Transactional
    public Read<RealServer> get(String serviceName, String label) {
        ConsistentRead.begin(entityManager);
        VirtualServiceEntity service = virtualService(serviceName, false);
        return new Read<>(existing(service, label, false).toRecord(), versions.current());
    }

    @Transactional
    public WriteResult<RealServer> create(String serviceName, RealServer wanted) {
        VirtualServiceEntity service = virtualService(serviceName, true);
        if (find(service, wanted.label(), false) != null) {
            throw ProblemException.conflict("label", "label: real server " + wanted.label()
                    + " already exists in virtual service " + serviceName);
        }
        return insert(service, serviceName, wanted);
    }

    @Transactional
    public WriteResult<RealServer> put(String serviceName, String label, RealServer wanted, IfMatch ifMatch) {
        VirtualServiceEntity service = virtualService(serviceName, true);
        RealServerEntity entity = find(service, label, true);
        ifMatch.check(entity == null ? null : entity.version);
        return entity == null ? insert(service, serviceName, wanted) : replace(entity, serviceName, wanted, AuditAction.REPLACE);
    }

    @Transactional
    public WriteResult<RealServer> patch(String serviceName, String label, ObjectNode patch, IfMatch ifMatch) {
        VirtualServiceEntity service = virtualService(serviceName, true);
        RealServerEntity entity = existing(service, label, true);
        ifMatch.check(entity.version);
        ObjectNode merged = (ObjectNode) JsonBodies.mergePatch(JsonBodies.toTree(entity.toRecord()), patch);
        return replace(entity, serviceName, RealServerReader.read(merged, label), AuditAction.PATCH);
    }

    @Transactional
    public WriteResult<RealServer> delete(String serviceName, String label, IfMatch ifMatch) {
        VirtualServiceEntity service = virtualService(serviceName, true);
        RealServerEntity entity = existing(service, label, true);
        ifMatch.check(entity.version);
        String before = JsonBodies.toJson(entity.toRecord());
        entity.delete();
        long version = versions.commit(new Change(AuditAction.DELETE, path(serviceName, label), before, null), Stamps.NONE);
        return new WriteResult<>(null, version, false, true);
    }

    private WriteResult<RealServer> insert(VirtualServiceEntity service, String serviceName, RealServer wanted) {
        counts.admitRealServer(service.id, serviceName);
        checkEndpoint(service, wanted, null);
        RealServerEntity entity = new RealServerEntity();
        entity.virtualServiceId = service.id;
        entity.copyFrom(wanted);
        entity.persist();
        long version = versions.commit(new Change(AuditAction.CREATE, path(serviceName, wanted.label()), null,
                JsonBodies.toJson(wanted)), Stamps.realServer(entity.id));
        return new WriteResult<>(wanted.withVersion(version), version, true, true).withWarnings(layerMix(service, wanted));
    }

    private WriteResult<RealServer> replace(RealServerEntity entity, String serviceName, RealServer wanted,
            AuditAction action) {
        RealServer current = entity.toRecord();
        VirtualServiceEntity service = VirtualServiceEntity.findById(entity.virtualServiceId);
        if (current.sameConfiguration(wanted)) {
            return new WriteResult<>(current, versions.current(), false, false).withWarnings(layerMix(service, current));
        }
        checkEndpoint(service, wanted, entity.id);
        entity.copyFrom(wanted);
        long version = versions.commit(new Change(action, path(serviceName, wanted.label()),
                JsonBodies.toJson(current), JsonBodies.toJson(wanted)), Stamps.realServer(entity.id));
        return new WriteResult<>(wanted.withVersion(version), version, false, true).withWarnings(layerMix(service, wanted));
    }

    /** Advice, never a refusal: the same endpoint behind layer 7 and layer 4 works in Fulcrum. */
    private static List<Warning> layerMix(VirtualServiceEntity service, RealServer server) {
        // Only real servers at the same address under the other layer can match; loading just those
        // keeps a single write from hydrating (and dirty-checking) the whole configuration.
        return LayerMix.forRealServer(
                ConfigStateReader.otherLayerServicesWithRealServerAt(server.address(), service.layer),
                VirtualServiceMapper.toRecord(service), server, "address");
    }

    /** Two real servers of one virtual service may not share address and port (null port counts as one value). */
    private void checkEndpoint(VirtualServiceEntity service, RealServer wanted, Long ownId) {
        List<RealServerEntity> sameAddress = RealServerEntity.list(
                "virtualServiceId = :service and address = :address",
                Parameters.with("service", service.id).and("address", wanted.address()));
        for (RealServerEntity other : sameAddress) {
            if (!other.id.equals(ownId) && Objects.equals(other.port, wanted.port())) {
                String where = wanted.address() + (wanted.port() == null ? " (port following)" : ":" + wanted.port());
                throw ProblemException.conflict("port", "address/port: " + where
                        + " is already used by real server " + other.label);
            }
        }
    }

    private VirtualServiceEntity virtualService(String name, boolean forWrite) {
        VirtualServiceEntity service = forWrite
                ? VirtualServiceEntity.<VirtualServiceEntity>find("name", name)
                        .withLock(LockModeType.PESSIMISTIC_READ).firstResult()
                : VirtualServiceEntity.findByName(name);
        if (service == null) {
            throw ProblemException.notFound("name", "virtual service " + name + " does not exist");
        }
        return service;
    }

    private RealServerEntity existing(VirtualServiceEntity service, String label, boolean forUpdate) {
        RealServerEntity entity = find(service, label, forUpdate);
        if (entity == null) {
            throw ProblemException.notFound("label", "real server " + label + " does not exist in virtual service "
                    + service.name);
        }
        return entity;
    }

    private RealServerEntity find(VirtualServiceEntity service, String label, boolean forUpdate) {
        var query = RealServerEntity.<RealServerEntity>find("virtualServiceId = :service and label = :label",
                Parameters.with("service", service.id).and("label", label));
        return (forUpdate ? query.withLock(LockModeType.PESSIMISTIC_WRITE) : query).firstResult();
    }

    public static String path(String serviceName, String label) {
        return VirtualServiceService.path(serviceName) + "/real-servers/" + label;
    }
}
