package io.fulcrum.testbed.e2e.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives test classes one shared {@link FulcrumCluster}, started on first use and closed after the last
 * test class (the root store closes it), and prints the processes' logs when a test fails.
 */
public final class ClusterExtension implements ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FulcrumCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster(context);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        FulcrumCluster cluster = context.getRoot().getStore(NAMESPACE).get(FulcrumCluster.class, FulcrumCluster.class);
        if (cluster != null) {
            System.err.println("===== " + context.getDisplayName() + " failed: " + cause + "; process logs follow =====");
            cluster.printLogs(System.err);
        }
    }

    private static FulcrumCluster cluster(ExtensionContext context) {
        // The root store closes AutoCloseable values when the whole run ends, so every class shares one cluster.
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(FulcrumCluster.class, key -> FulcrumCluster.start(), FulcrumCluster.class);
    }
}
