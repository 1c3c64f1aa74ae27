package io.fulcrum.controlplane.virtualservice;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One row of virtual_service; durations are stored in milliseconds. */
@Entity
@Table(name = "virtual_service")
public class VirtualServiceEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String name;
    public String address;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "integer[]")
    public Integer[] ports;
    public String protocol;
    public int layer;
    public String algorithm;
    @Column(name = "persistence_mode")
    public String persistenceMode;
    @Column(name = "persistence_timeout_ms")
    public Long persistenceTimeoutMs;
    @Column(name = "health_check_type")
    public String healthCheckType;
    @Column(name = "health_check_interval_ms")
    public long healthCheckIntervalMs;
    @Column(name = "health_check_timeout_ms")
    public long healthCheckTimeoutMs;
    @Column(name = "health_check_rise")
    public int healthCheckRise;
    @Column(name = "health_check_fall")
    public int healthCheckFall;
    @Column(name = "health_check_port")
    public Integer healthCheckPort;
    @Column(name = "health_check_path")
    public String healthCheckPath;
    @Column(name = "health_check_expect_status")
    public String healthCheckExpectStatus;
    @Column(name = "health_check_udp_send")
    public String healthCheckUdpSend;
    @Column(name = "health_check_udp_expect")
    public String healthCheckUdpExpect;
    @Column(name = "fallback_address")
    public String fallbackAddress;
    @Column(name = "fallback_port")
    public Integer fallbackPort;
    @Column(name = "proxy_protocol")
    public boolean proxyProtocol;
    @Column(name = "client_idle_timeout_ms")
    public long clientIdleTimeoutMs;
    @Column(name = "server_idle_timeout_ms")
    public long serverIdleTimeoutMs;
    @Column(name = "connect_timeout_ms")
    public long connectTimeoutMs;
    @Column(name = "flow_idle_timeout_ms")
    public long flowIdleTimeoutMs;
    @Column(name = "max_flows")
    public int maxFlows;
    @Column(name = "client_first_byte_timeout_ms")
    public long clientFirstByteTimeoutMs;
    @Column(name = "max_connections")
    public int maxConnections;
    @Column(name = "max_connections_per_client")
    public int maxConnectionsPerClient;
    /** Configuration version of the last change; stamped by ConfigVersions in the committing statement. */
    public long version;

    public static VirtualServiceEntity findByName(String name) {
        return find("name", name).firstResult();
    }
}
