package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The files of deploy/ are what their tools accept: systemd's own {@code systemd-analyze verify} (and
 * its security score) for deploy/systemd; the Kubernetes object model read strictly (an unknown field
 * fails) for deploy/kubernetes, plus the references between the objects: every secret and key a
 * workload names exists, the probes ask the ports the processes serve, the grace periods cover a
 * node's drain; promtool for the alert rules of deploy/prometheus (checked, and unit-tested with
 * series that must and must not fire them) and the queries of the dashboard in deploy/grafana.
 */
class DeploymentFilesIT {
    private static final Path DEPLOY = Path.of(System.getProperty("fulcrum.repository", "..")).resolve("deploy")
            .toAbsolutePath().normalize();
    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    /** Where the units expect Java 25 (README, "Production install"). */
    private static final String INSTALLED_JAVA = "/opt/fulcrum/jdk/bin/java";
    private static final String INSTALLED_LAUNCHER = "/opt/fulcrum/deploy/bin/fulcrum-data-plane";
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Namespace", Namespace.class, "Secret", Secret.class, "Service", Service.class,
            "Deployment", Deployment.class, "DaemonSet", DaemonSet.class, "PodDisruptionBudget", PodDisruptionBudget.class);

    @Test
    void systemdAcceptsTheUnitsAndRatesThemHardened() throws Exception {
        assumeTrue(Files.isExecutable(SYSTEMD_ANALYZE), "systemd-analyze is not installed (Debian: systemd)");
        Path units = Files.createTempDirectory("fulcrum-units");
        for (String unit : List.of("fulcrum-data-plane.service", "fulcrum-control-plane.service")) {
            String text = Files.readString(DEPLOY.resolve("systemd").resolve(unit));
            // verify checks that ExecStart's program exists; where Java lives elsewhere, point it there.
            if (!Files.isExecutable(Path.of(INSTALLED_JAVA))) {
                text = text.replace(INSTALLED_JAVA, ManagedProcess.java());
            }
            if (!Files.isExecutable(Path.of(INSTALLED_LAUNCHER))) {
                text = text.replace(INSTALLED_LAUNCHER, DEPLOY.resolve("bin/fulcrum-data-plane").toString());
            }
            Path copy = Files.writeString(units.resolve(unit), text);
            assertEquals("", run(SYSTEMD_ANALYZE.toString(), "verify", copy.toString()), "systemd-analyze verify " + unit);
            String security = run(SYSTEMD_ANALYZE.toString(), "security", "--offline=true", "--threshold=40", copy.toString());
            assertTrue(security.contains("Overall exposure level"), security);
            Path broken = Files.writeString(units.resolve("broken-" + unit), text.replace("TimeoutStopSec=", "TimeoutStopSek="));
            assertTrue(run(SYSTEMD_ANALYZE.toString(), "verify", broken.toString()).contains("TimeoutStopSek"),
                    "a broken copy is reported, so the check can fail");
        }
        String node = Files.readString(DEPLOY.resolve("systemd/fulcrum-data-plane.service"));
        assertTrue(node.contains("User=fulcrum") && node.contains("AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW")
                && node.contains("LimitNOFILE=1048576"), node);
        // The stop timeout covers the example's --stop-delay and --shutdown-grace.
        String flags = Files.readString(DEPLOY.resolve("systemd/data-plane.env"));
        assertTrue(flags.contains("--stop-delay 5s --shutdown-grace 60s") && node.contains("TimeoutStopSec=90"), flags);
    }

    @Test
    void theKubernetesManifestsAreStrictlyValidAndConsistent() throws IOException {
        Map<String, HasMetadata> objects = new java.util.LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (HasMetadata object : read(Files.readString(file), file.getFileName().toString())) {
                    String key = object.getKind() + "/" + object.getMetadata().getName();
                    assertTrue(objects.put(key, object) == null, key + " defined twice");
                }
            }
        }
        Deployment controlPlane = (Deployment) objects.get("Deployment/fulcrum-control-plane");
        DaemonSet dataPlane = (DaemonSet) objects.get("DaemonSet/fulcrum-data-plane");
        Service service = (Service) objects.get("Service/fulcrum-control-plane");
        assertTrue(controlPlane != null && dataPlane != null && service != null, objects.keySet().toString());
        for (HasMetadata object : objects.values()) {
            if (!(object instanceof Namespace)) {
                assertEquals("fulcrum", object.getMetadata().getNamespace(), object.getKind() + " " + object.getMetadata().getName());
            }
        }

        // Readiness on the control plane's health endpoint, on the management port it opens to the pod.
        Container cp = controlPlane.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("/q/health/ready", cp.getReadinessProbe().getHttpGet().getPath());
        assertEquals("management", cp.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertTrue(cp.getPorts().stream().anyMatch(p -> "management".equals(p.getName()) && p.getContainerPort() == 9000));
        assertEquals("0.0.0.0", env(cp, "QUARKUS_MANAGEMENT_HOST"));
        assertEquals(controlPlane.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector());

        // The node: host network, its health endpoint on loopback as readiness, a grace period that
        // covers --stop-delay and --shutdown-grace, the gRPC port of the service as its control plane.
        PodSpec node = dataPlane.getSpec().getTemplate().getSpec();
        assertTrue(node.getHostNetwork(), "hostNetwork");
        Container dp = node.getContainers().get(0);
        List<String> args = dp.getArgs();
        assertEquals("127.0.0.1:9110", args.get(args.indexOf("--health-listen") + 1));
        assertEquals("127.0.0.1", dp.getReadinessProbe().getHttpGet().getHost());
        assertEquals(9110, dp.getReadinessProbe().getHttpGet().getPort().getIntVal());
        assertEquals("/health", dp.getReadinessProbe().getHttpGet().getPath());
        long drain = seconds(args.get(args.indexOf("--stop-delay") + 1)) + seconds(args.get(args.indexOf("--shutdown-grace") + 1));
        assertTrue(node.getTerminationGracePeriodSeconds() > drain, "grace " + node.getTerminationGracePeriodSeconds()
                + " s for a drain of " + drain + " s");
        String target = args.get(args.indexOf("--control-plane") + 1);
        assertEquals("fulcrum-control-plane.fulcrum.svc", target.substring(0, target.indexOf(':')));
        int grpcPort = Integer.parseInt(target.substring(target.indexOf(':') + 1));
        assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == grpcPort && "grpc".equals(p.getName())));

        // Every secret and key a workload names is defined; every disruption budget selects a workload.
        for (PodSpec pod : List.of(controlPlane.getSpec().getTemplate().getSpec(), node)) {
            for (Volume volume : pod.getVolumes()) {
                if (volume.getSecret() != null) {
                    Secret secret = (Secret) objects.get("Secret/" + volume.getSecret().getSecretName());
                    assertTrue(secret != null, "volume " + volume.getName() + " names a missing secret");
                    volume.getSecret().getItems().forEach(item ->
                            assertTrue(secret.getStringData().containsKey(item.getKey()), "secret key " + item.getKey()));
                }
            }
            for (Container container : pod.getContainers()) {
                for (EnvVar env : container.getEnv()) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        Secret secret = (Secret) objects.get("Secret/" + env.getValueFrom().getSecretKeyRef().getName());
                        assertTrue(secret != null && secret.getStringData().containsKey(env.getValueFrom().getSecretKeyRef().getKey()),
                                env.getName() + " names a missing secret key");
                    }
                }
            }
        }
        Set<Map<String, String>> workloads = Set.of(controlPlane.getSpec().getSelector().getMatchLabels(),
                dataPlane.getSpec().getSelector().getMatchLabels());
        int budgets = 0;
        for (HasMetadata object : objects.values()) {
            if (object instanceof PodDisruptionBudget pdb) {
                assertTrue(workloads.contains(pdb.getSpec().getSelector().getMatchLabels()), pdb.getMetadata().getName());
                budgets++;
            }
        }
        assertEquals(2, budgets);
    }

    @Test
    void anUnknownFieldInAManifestIsRefused() throws IOException {
        String manifest = Files.readString(DEPLOY.resolve("kubernetes/data-plane.yaml"));
        String broken = manifest.replace("hostNetwork: true", "hostNetwrok: true");
        assertFalse(broken.equals(manifest));
        AssertionError refused = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> read(broken, "broken data-plane.yaml"));
        assertTrue(refused.getMessage().contains("hostNetwrok"), refused.getMessage());
    }

    @Test
    void theAlertRulesAndTheDashboardQueriesAreValidPromQlAndTheRulesFireWhenTheyShould() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (Debian: prometheus)");
        Path prometheus = DEPLOY.resolve("prometheus");
        String checked = run(PROMTOOL.toString(), "check", "rules", prometheus.resolve("fulcrum-alerts.yml").toString());
        assertTrue(checked.contains("SUCCESS"), checked);
        String tested = runIn(prometheus, PROMTOOL.toString(), "test", "rules", "fulcrum-alerts-test.yml");
        assertTrue(tested.contains("SUCCESS") && !tested.contains("FAILED"), tested);

        // Each query of the dashboard as a recording rule, so promtool parses it as Prometheus would.
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                DEPLOY.resolve("grafana/fulcrum.json").toFile());
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        Set<Integer> ids = new java.util.HashSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel id " + panel.path("id") + " twice");
            assertTrue(panel.path("gridPos").has("w") && panel.path("targets").size() > 0, panel.path("title").asText());
            for (JsonNode target : panel.path("targets")) {
                rules.append("      - record: dashboard:query").append(queries++).append("\n        expr: ")
                        .append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(target.path("expr").asText()))
                        .append('\n');
            }
        }
        Path asRules = Files.writeString(Files.createTempDirectory("dashboard").resolve("queries.yml"), rules.toString());
        String parsed = run(PROMTOOL.toString(), "check", "rules", asRules.toString());
        assertTrue(parsed.contains("SUCCESS: " + queries + " rules found"), parsed);
    }

    /** Every document of a YAML file as its Kubernetes object; a field the model does not know fails. */
    private static List<HasMetadata> read(String yaml, String name) throws IOException {
        YAMLMapper mapper = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = mapper.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                Class<? extends HasMetadata> kind = KINDS.get(document.path("kind").asText());
                assertTrue(kind != null, name + ": unexpected kind " + document.path("kind"));
                HasMetadata object = mapper.treeToValue(document, kind);
                List<String> unknown = new ArrayList<>();
                unknownFields(object, kind.getSimpleName(), unknown, new IdentityHashMap<>());
                assertEquals(List.of(), unknown, name + ": fields the Kubernetes model does not know: " + unknown);
                assertEquals(document.path("apiVersion").asText(), object.getApiVersion(), name);
                objects.add(object);
            }
        }
        return objects;
    }

    /**
     * The model keeps what it does not know in additionalProperties instead of failing; walks the
     * object and lists every such field with its path.
     */
    private static void unknownFields(Object value, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, true) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, found, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else {
                String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                unknownFields(property, path + "." + field, found, seen);
            }
        }
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
                .findFirst().orElse(null);
    }

    private static long seconds(String duration) {
        assertTrue(duration.matches("\\d+s"), duration);
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    /** What the command printed (stdout and stderr); fails if it does not end. */
    private static String run(String... command) throws IOException, InterruptedException {
        return runIn(Path.of("."), command);
    }

    private static String runIn(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        if (command.length > 1 && command[1].equals("security")) {
            assertEquals(0, process.exitValue(), "exposure above 4.0:\n" + output);
        }
        return output.strip();
    }
}
