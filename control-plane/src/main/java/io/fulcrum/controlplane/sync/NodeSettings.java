package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.domain.DurationText;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This instance's name among the control-plane instances sharing one database, and how long a node
 * may go unseen before it shows as lost (README, "Nodes").
 */
@Singleton
public class NodeSettings {

    static final Duration MIN_LOST_AFTER = Duration.ofSeconds(15);
    static final Duration MAX_LOST_AFTER = Duration.ofDays(30);

    private final String instanceId;
    private final Duration lostAfter;

    @Inject
    NodeSettings(@ConfigProperty(name = "fulcrum.instance-id") java.util.Optional<String> instanceId,
            @ConfigProperty(name = "fulcrum.nodes.lost-after") String lostAfter) {
        this.instanceId = instanceId.filter(id -> !id.isBlank()).map(NodeSettings::checkedInstanceId)
                .orElseGet(NodeSettings::generatedInstanceId);
        Duration parsed = DurationText.parse(lostAfter).orElseThrow(() -> new IllegalArgumentException(
                "FULCRUM_NODE_LOST_AFTER '" + lostAfter + "' is not a duration (e.g. 60s, 5m)"));
        if (parsed.compareTo(MIN_LOST_AFTER) < 0 || parsed.compareTo(MAX_LOST_AFTER) > 0) {
            throw new IllegalArgumentException("FULCRUM_NODE_LOST_AFTER '" + lostAfter + "' (expected "
                    + DurationText.format(MIN_LOST_AFTER) + ".." + DurationText.format(MAX_LOST_AFTER) + ")");
        }
        this.lostAfter = parsed;
    }

    /** For tests: a fixed instance id and lost-after time. */
    public NodeSettings(String instanceId, Duration lostAfter) {
        this.instanceId = instanceId;
        this.lostAfter = lostAfter;
    }

    public String instanceId() {
        return instanceId;
    }

    public Duration lostAfter() {
        return lostAfter;
    }

    private static String checkedInstanceId(String id) {
        if (!id.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("FULCRUM_INSTANCE_ID '" + id + "' (expected 1..64 of A-Z a-z 0-9 . _ : -)");
        }
        return id;
    }

    // Unique among instances even on one host: the host's name and a random suffix per start.
    private static String generatedInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "control-plane";
        }
        host = host.replaceAll("[^A-Za-z0-9.-]", "-");
        host = host.substring(0, Math.min(host.length(), 48));
        byte[] suffix = new byte[4];
        ThreadLocalRandom.current().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }
}
