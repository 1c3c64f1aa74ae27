package io.fulcrum.dataplane.report;

import io.fulcrum.dataplane.health.CheckDurations;
import io.fulcrum.dataplane.health.Health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's metrics in Prometheus' text format (0.0.4), rendered from one {@link NodeStatus}: per
 * virtual service and real server the counters the node keeps, named by Prometheus' conventions
 * (base units, counters end in {@code _total}), and the node's own state. Each family is written once
 * with its HELP and TYPE, then its samples.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** What the node knows about itself beside its status. */
    public record NodeState(String nodeId, String softwareVersion, boolean controlPlaneConnected) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {
    }

    public static String render(NodeState node, NodeStatus status) {
        PrometheusText text = new PrometheusText();
        text.sample("fulcrum_node_info", "gauge", "The node's id and software version (always 1)",
                labels("node", node.nodeId(), "version", node.softwareVersion()), 1);
        text.sample("fulcrum_node_config_version", "gauge", "Configuration version the node serves (0: none yet)",
                "", status.appliedVersion());
        text.sample("fulcrum_node_control_plane_connected", "gauge",
                "1 while the node holds a stream to a control-plane instance", "", node.controlPlaneConnected() ? 1 : 0);
        text.sample("fulcrum_node_held_addresses", "gauge",
                "Virtual-service addresses this host holds now (the active side of a floating address)", "",
                status.heldAddresses().size());
        for (VirtualServiceStatus service : status.virtualServices()) {
            text.virtualService(service);
        }
        StringBuilder out = new StringBuilder();
        text.families.values().forEach(family -> family.appendTo(out));
        return out.toString();
    }

    private void virtualService(VirtualServiceStatus vs) {
        String l = labels("virtual_service", vs.name());
        sample("fulcrum_virtual_service_connections", "gauge",
                "Live client connections (TCP) or flows (UDP) of the virtual service", l, vs.activeConnections());
        sample("fulcrum_virtual_service_connections_total", "counter",
                "Client connections (TCP) or flows (UDP) the virtual service took", l, vs.totalConnections());
        sample("fulcrum_virtual_service_received_bytes_total", "counter", "Bytes received from clients", l, vs.bytesIn());
        sample("fulcrum_virtual_service_sent_bytes_total", "counter", "Bytes sent to clients", l, vs.bytesOut());
        sample("fulcrum_virtual_service_refused_connections_total", "counter",
                "Connections refused at a limit (maxConnections, the descriptor budget, no server able to take it)",
                l, vs.refusedConnections());
        sample("fulcrum_virtual_service_retries_total", "counter",
                "Connections that tried another real server after a connect failed (the client saw no failure)",
                l, vs.retries());
        sample("fulcrum_virtual_service_fallback_connections_total", "counter",
                "Connections sent to the fallback server", l, vs.fallbackConnections());
        sample("fulcrum_virtual_service_persistence_entries", "gauge", "Entries of the source-IP persistence table",
                l, vs.persistenceEntries());
        sample("fulcrum_virtual_service_received_datagrams_total", "counter", "UDP datagrams received from clients",
                l, vs.datagrams().in());
        sample("fulcrum_virtual_service_sent_datagrams_total", "counter", "UDP datagrams sent to clients",
                l, vs.datagrams().out());
        sample("fulcrum_virtual_service_dropped_datagrams_total", "counter",
                "UDP datagrams dropped (by the node or the kernel's socket buffers)", l, vs.datagrams().dropped());
        sample("fulcrum_virtual_service_dropped_flows_total", "counter", "New UDP flows dropped at maxFlows",
                l, vs.datagrams().droppedFlows());
        sample("fulcrum_virtual_service_repinned_flows_total", "counter",
                "UDP flows moved to another real server after theirs went down", l, vs.datagrams().repinnedFlows());
        for (RealServerStatus rs : vs.realServers()) {
            String r = labels("virtual_service", vs.name(), "real_server", rs.label());
            sample("fulcrum_real_server_connections", "gauge", "Live connections or flows to the real server",
                    r, rs.activeConnections());
            sample("fulcrum_real_server_connections_total", "counter", "Connections or flows sent to the real server",
                    r, rs.totalConnections());
            // The node counts a real server's traffic in the client's direction: in = what clients sent it.
            sample("fulcrum_real_server_received_bytes_total", "counter", "Bytes received from the real server",
                    r, rs.bytesOut());
            sample("fulcrum_real_server_sent_bytes_total", "counter", "Bytes sent to the real server", r, rs.bytesIn());
            sample("fulcrum_real_server_connect_failures_total", "counter",
                    "Connects to the real server that failed (each retried on another server)", r, rs.connectFailures());
            sample("fulcrum_real_server_received_datagrams_total", "counter", "UDP datagrams from the real server",
                    r, rs.datagramsOut());
            sample("fulcrum_real_server_sent_datagrams_total", "counter", "UDP datagrams to the real server",
                    r, rs.datagramsIn());
            for (Health state : Health.values()) {
                sample("fulcrum_real_server_health", "gauge",
                        "Observed health of the real server: 1 for its current state (up, down, unknown), 0 for the others",
                        labels("virtual_service", vs.name(), "real_server", rs.label(),
                                "state", state.name().toLowerCase(java.util.Locale.ROOT)), rs.health() == state ? 1 : 0);
            }
            histogram("fulcrum_real_server_health_check_duration_seconds",
                    "How long the real server's health checks took (to an answer, a refusal or the timeout)",
                    vs.name(), rs.label(), rs.checkDurations());
            sample("fulcrum_real_server_health_changed_timestamp_seconds", "gauge",
                    "When the real server's health last changed (Unix time)", r, rs.healthChangedAtMillis() / 1000.0);
        }
    }

    private void histogram(String name, String help, String virtualService, String realServer,
                           CheckDurations.Snapshot durations) {
        Family family = families.computeIfAbsent(name, n -> new Family(n, "histogram", help));
        for (int i = 0; i < CheckDurations.BOUNDS.length; i++) {
            family.samples.add(name + "_bucket" + labels("virtual_service", virtualService, "real_server", realServer,
                    "le", Double.toString(CheckDurations.BOUNDS[i])) + " " + durations.cumulative()[i]);
        }
        String series = labels("virtual_service", virtualService, "real_server", realServer);
        family.samples.add(name + "_bucket" + labels("virtual_service", virtualService, "real_server", realServer, "le", "+Inf")
                + " " + durations.count());
        family.samples.add(name + "_sum" + series + " " + durations.sumSeconds());
        family.samples.add(name + "_count" + series + " " + durations.count());
    }

    private void sample(String name, String type, String help, String labels, double value) {
        families.computeIfAbsent(name, n -> new Family(n, type, help)).samples.add(name + labels + " " + number(value));
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /** {name="value",...} with the text format's escapes; names and values alternate. */
    static String labels(String... pairs) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(pairs[i]).append("=\"").append(pairs[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n")).append('"');
        }
        return out.append('}').toString();
    }

    private static final class Family {
        final String name;
        final String type;
        final String help;
        final List<String> samples = new ArrayList<>();

        Family(String name, String type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
        }

        void appendTo(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            samples.forEach(sample -> out.append(sample).append('\n'));
        }
    }
}
