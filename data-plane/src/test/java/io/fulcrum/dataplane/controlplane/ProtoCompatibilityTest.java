package io.fulcrum.dataplane.controlplane;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.PersistenceMode;
import io.fulcrum.proto.v1.SyncProto;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules that let a node one release older or newer than its control plane work with it (README,
 * "Upgrading"), checked against what the last release recorded in src/test/resources/compat:
 * no field or enum value of the released contract is removed, renumbered or retyped; a snapshot the
 * released control plane sent still maps the same; what a newer control plane adds (fields this node
 * does not know) is ignored, and a value this node cannot honour (an enum value it does not know)
 * is refused by name, so the node NACKs it and keeps serving. Run with -Dfulcrum.compat.record=true
 * at a release to record the new contract.
 */
class ProtoCompatibilityTest {
    private static final Path RECORDED = Path.of("src", "test", "resources", "compat");
    private static final Path CONTRACT = RECORDED.resolve("sync-fields.txt");
    private static final Path SNAPSHOT = RECORDED.resolve("snapshot.bin");

    @Test
    void noFieldOrEnumValueOfTheReleasedContractChangedItsNumberOrType() throws IOException {
        List<String> current = contract();
        if (Boolean.getBoolean("fulcrum.compat.record")) {
            Files.createDirectories(RECORDED);
            Files.write(CONTRACT, current, StandardCharsets.UTF_8);
        }
        List<String> released = Files.readAllLines(CONTRACT, StandardCharsets.UTF_8);
        List<String> broken = new ArrayList<>(released);
        broken.removeAll(current);
        assertEquals(List.of(), broken, "released fields or values removed, renumbered or retyped (reserve their"
                + " numbers instead and add new ones); the contract now reads:\n" + String.join("\n", current));
    }

    @Test
    void aSnapshotTheReleasedControlPlaneSentStillParsesAndMaps() throws Exception {
        io.fulcrum.proto.v1.Snapshot everything = everyFieldSet();
        if (Boolean.getBoolean("fulcrum.compat.record")) {
            Files.createDirectories(RECORDED);
            Files.write(SNAPSHOT, everything.toByteArray());
        }
        byte[] released = Files.readAllBytes(SNAPSHOT);
        io.fulcrum.proto.v1.Snapshot parsed = io.fulcrum.proto.v1.Snapshot.parseFrom(released);
        assertTrue(parsed.getUnknownFields().asMap().isEmpty(), "every released field is still known");
        assertArrayEquals(released, parsed.toByteArray(), "nothing of it is lost or reinterpreted");
        Snapshot mapped = ProtoMapper.toSnapshot(parsed);
        assertEquals(parsed.getVirtualServicesCount(), mapped.virtualServices().size());
    }

    /**
     * What a control plane from before clientFirstByteTimeout, maxConnections and maxConnectionsPerClient
     * (sync.proto fields 16 to 18) sent: their zero values mean what that release did.
     */
    @Test
    void aSnapshotWithoutTheFieldsAddedSinceMeansWhatItsReleaseDid() throws Exception {
        io.fulcrum.proto.v1.Snapshot older = TestProtos.snapshot(5, TestProtos.virtualService("vs", "127.0.0.1", 80)
                .clearClientFirstByteTimeoutMs().clearMaxConnections().clearMaxConnectionsPerClient()
                .addRealServers(TestProtos.realServer("rs", "127.0.0.21", 0)));
        io.fulcrum.dataplane.config.VirtualServiceConfig mapped = ProtoMapper.toSnapshot(older).virtualServices().get(0);
        assertEquals(mapped.clientIdleTimeout(), mapped.clients().firstByteTimeout(), "no first-byte timeout of its own");
        assertEquals(0, mapped.clients().maxConnections(), "no connection limit of its own");
        assertEquals(0, mapped.clients().maxConnectionsPerClient(), "no per-client limit");
    }

    @Test
    void fieldsANewerControlPlaneAddsAreIgnored() throws Exception {
        io.fulcrum.proto.v1.Snapshot known = everyFieldSet();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(known.toByteArray());
        CodedOutputStream extra = CodedOutputStream.newInstance(bytes);
        extra.writeUInt64(900, 7);                        // a number a future release may give a new field
        extra.writeBytes(901, ByteString.copyFromUtf8("a field this node does not know"));
        extra.flush();
        io.fulcrum.proto.v1.Snapshot fromNewer = io.fulcrum.proto.v1.Snapshot.parseFrom(bytes.toByteArray());
        assertEquals(ProtoMapper.toSnapshot(known), ProtoMapper.toSnapshot(fromNewer));
    }

    @Test
    void anEnumValueANewerControlPlaneAddsIsRefusedByName() {
        io.fulcrum.proto.v1.Snapshot fromNewer = TestProtos.snapshot(3, TestProtos.virtualService("vs", "127.0.0.1", 80)
                .setAlgorithmValue(42));
        InvalidSnapshotException refused = assertThrows(InvalidSnapshotException.class,
                () -> ProtoMapper.toSnapshot(fromNewer));
        assertTrue(refused.getMessage().contains("algorithm") && refused.getMessage().contains("42"), refused.getMessage());
    }

    /** "message.field = number type label" and "enum.VALUE = number" for everything in sync.proto, sorted. */
    private static List<String> contract() {
        List<String> lines = new ArrayList<>();
        for (Descriptors.Descriptor message : SyncProto.getDescriptor().getMessageTypes()) {
            describe(message, lines);
        }
        for (Descriptors.EnumDescriptor type : SyncProto.getDescriptor().getEnumTypes()) {
            for (Descriptors.EnumValueDescriptor value : type.getValues()) {
                lines.add(type.getFullName() + "." + value.getName() + " = " + value.getNumber());
            }
        }
        lines.sort(null);
        return lines;
    }

    private static void describe(Descriptors.Descriptor message, List<String> lines) {
        for (Descriptors.FieldDescriptor field : message.getFields()) {
            String type = field.getType() == Descriptors.FieldDescriptor.Type.MESSAGE ? field.getMessageType().getFullName()
                    : field.getType() == Descriptors.FieldDescriptor.Type.ENUM ? field.getEnumType().getFullName()
                    : field.getType().name().toLowerCase();
            lines.add(message.getFullName() + "." + field.getName() + " = " + field.getNumber() + " " + type
                    + (field.isRepeated() ? " repeated" : ""));
        }
        message.getNestedTypes().forEach(nested -> describe(nested, lines));
    }

    /** A snapshot with every field of every message of the snapshot set (what a control plane sends). */
    private static io.fulcrum.proto.v1.Snapshot everyFieldSet() {
        return TestProtos.snapshot(41,
                TestProtos.virtualService("RAS-SG-HTTPS", "127.0.0.10", 443, 8443)
                        .setProxyProtocol(true)
                        .setMaxConnections(5000)
                        .setMaxConnectionsPerClient(20)
                        .setPersistence(io.fulcrum.proto.v1.Persistence.newBuilder()
                                .setMode(PersistenceMode.PERSISTENCE_MODE_SOURCE_IP).setTimeoutMs(360_000))
                        .setFallback(io.fulcrum.proto.v1.Endpoint.newBuilder().setAddress("127.0.0.30").setPort(8080))
                        .setHealthCheck(TestProtos.check(HealthCheckType.HEALTH_CHECK_TYPE_HTTP).setPort(8081))
                        .addRealServers(TestProtos.realServer("RAS_Server1", "127.0.0.21", 0).setWeight(7)
                                .setMinConnections(10).setMaxConnections(100))
                        .addRealServers(TestProtos.realServer("RAS_Server2", "127.0.0.22", 443)
                                .setState(io.fulcrum.proto.v1.AdminState.ADMIN_STATE_DRAIN)),
                TestProtos.virtualService("RAS-SG-UDP", "127.0.0.10", 443)
                        .setProtocol(io.fulcrum.proto.v1.Protocol.PROTOCOL_UDP)
                        .setLayer(io.fulcrum.proto.v1.Layer.LAYER_4)
                        .setAlgorithm(io.fulcrum.proto.v1.Algorithm.ALGORITHM_SOURCE_HASH)
                        .setHealthCheck(TestProtos.check(HealthCheckType.HEALTH_CHECK_TYPE_UDP)
                                .setUdpSend("ping").setUdpExpect("pong"))
                        .addRealServers(TestProtos.realServer("RAS_Server1", "127.0.0.21", 0)));
    }
}
