package io.fulcrum.controlplane.realserver;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.fulcrum.controlplane.domain.AdminState;
import io.fulcrum.controlplane.domain.JsonName;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One row of real_server; rows go away with their virtual service (ON DELETE CASCADE). */
@Entity
@Table(name = "real_server")
public class RealServerEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "virtual_service_id")
    public long virtualServiceId;
    public String label;
    public String address;
    public Integer port;
    public int weight;
    @Column(name = "min_connections")
    public int minConnections;
    @Column(name = "max_connections")
    public int maxConnections;
    public String state;
    /** Configuration version of the last change; stamped by ConfigVersions in the committing statement. */
    public long version;

    public RealServer toRecord() {
        return new RealServer(label, address, port, weight, minConnections, maxConnections,
                JsonName.stored(AdminState.class, state), version);
    }

    public void copyFrom(RealServer r) {
        label = r.label();
        address = r.address();
        port = r.port();
        weight = r.weight();
        minConnections = r.minConnections();
        maxConnections = r.maxConnections();
        state = r.state().json();
    }
}
