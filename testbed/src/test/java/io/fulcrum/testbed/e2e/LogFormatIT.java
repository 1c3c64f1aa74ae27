package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.OneService;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both planes with JSON logs (FULCRUM_LOG_JSON=true, --log-format json): every line each writes is one
 * JSON object with timestamp, level, logger and message, and the lines operators look for are there:
 * the node connecting, the snapshot applied, a health transition with its reason, and an admin
 * state change with who made it.
 */
class LogFormatIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bothPlanesWriteOneJsonObjectPerLineAndOneLinePerTransition() throws Exception {
        Path work = Path.of("target", "e2e", "logs-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess controlPlane = ControlPlaneProcess.start(
                     Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work, Map.of("FULCRUM_LOG_JSON", "true"));
             NameServer server = NameServer.start("json-host", "127.0.0.59");
             DataPlaneNode node = DataPlaneNode.start(Path.of(System.getProperty("fulcrum.dataPlane.jar")), "log-node",
                     controlPlane.grpcTarget(), work, List.of("--log-format", "json"))) {
            FulcrumApi api = controlPlane.api();
            OneService.serve(api, "Logged", server, List.of("log-node"));
            api.patch(FulcrumApi.realServer("Logged", "json-host"), Specs.patch("state", "drain")).requireSuccess();

            Poll.until("the control plane logs the drain with who made it", Duration.ofSeconds(10),
                    () -> messages(controlPlane.process()).stream().anyMatch(m -> m.matches(
                            "version \\d+ by bootstrap: patch /api/v1/virtual-services/Logged/real-servers/json-host: state online -> drain")));
            Poll.until("the node logs the health transition", Duration.ofSeconds(10),
                    () -> messages(node.process()).stream().anyMatch(m -> m.contains("real server json-host: UNKNOWN -> UP")));
            List<String> controlPlaneMessages = messages(controlPlane.process());
            assertTrue(controlPlaneMessages.stream().anyMatch(m -> m.startsWith("Node log-node connected")), controlPlaneMessages.toString());
            List<String> nodeMessages = messages(node.process());
            assertTrue(nodeMessages.stream().anyMatch(m -> m.startsWith("applied snapshot version")), nodeMessages.toString());
            assertTrue(nodeMessages.stream().anyMatch(m -> m.equals("fulcrum data plane node log-node started")));
            assertEquals(1, nodeMessages.stream().filter(m -> m.contains("real server json-host: UNKNOWN -> UP")).count(),
                    "one line per transition");
        }
    }

    /**
     * The message of every complete line the process wrote; fails on a line that is not one JSON object.
     * A last line without its newline yet is still being written (the output is read while the process
     * runs), so it is left for the next look.
     */
    private static List<String> messages(ManagedProcess process) {
        List<String> messages = new ArrayList<>();
        String output = process.output();
        int complete = output.lastIndexOf('\n') + 1;
        for (String line : output.substring(0, complete).lines().toList()) {
            if (line.isBlank() || line.startsWith("=== ")) {
                continue;
            }
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(process.name() + " wrote a line that is not JSON: " + line);
            }
            assertTrue(entry.isObject() && entry.hasNonNull("timestamp") && entry.hasNonNull("level")
                    && entry.hasNonNull("loggerName") && entry.has("message"), process.name() + ": " + line);
            messages.add(entry.path("message").asText());
        }
        return messages;
    }
}
