package io.fulcrum.testbed.loader;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.ApiException;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.Json;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.cli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Applies an example document of virtual services and real servers through the REST API, idempotently. */
public final class ExampleLoader {

    private static final Duration API_WAIT = Duration.ofSeconds(60);

    private ExampleLoader() {
    }

    public static void main(String[] args) {
        try {
            CommandLine commandLine = CommandLine.parse(args, "api", "file", "await-node", "token-file");
            String tokenFile = commandLine.optional("token-file", System.getenv("FULCRUM_TOKEN_FILE"));
            String token = tokenFile == null ? System.getenv("FULCRUM_TOKEN") : Files.readString(Path.of(tokenFile)).trim();
            FulcrumApi api = new FulcrumApi(URI.create(commandLine.optional("api", "http://127.0.0.1:8080")), token);
            JsonNode document = Json.parse(Files.readString(Path.of(commandLine.required("file"))));
            if (!api.awaitReady(API_WAIT)) {
                fail("the control plane at " + api.base() + " did not become ready within " + API_WAIT.toSeconds() + "s");
            }
            new ExampleApplier(api, System.out::println).apply(document);
            List<String> nodes = commandLine.all("await-node");
            if (!nodes.isEmpty()) {
                NodeSync sync = new NodeSync(api);
                long version = sync.currentVersion();
                sync.awaitApplied(nodes, version, API_WAIT);
                System.out.println("nodes " + String.join(", ", nodes) + " applied configuration version " + version);
            }
        } catch (CommandLine.UsageException e) {
            System.err.println("usage: --api URL --file DOCUMENT.json [--token-file FILE] [--await-node ID ...]"
                    + " (or FULCRUM_TOKEN_FILE / FULCRUM_TOKEN): " + e.getMessage());
            System.exit(2);
        } catch (ApiException | IllegalStateException | IOException e) {
            fail(e.getMessage());
        } catch (RuntimeException e) {
            fail(e.toString());
        }
    }

    private static void fail(String message) {
        System.err.println("example loader failed: " + message);
        System.exit(1);
    }
}
