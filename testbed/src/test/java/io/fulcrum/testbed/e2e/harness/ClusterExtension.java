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
        return holder(context).cluster();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Holder holder = context.getRoot().getStore(NAMESPACE).get(Holder.class, Holder.class);
        if (holder != null && holder.cluster != null) {
            System.err.println("===== " + context.getDisplayName() + " failed: " + cause + "; process logs follow =====");
            holder.cluster.printLogs(System.err);
        }
    }

    private static Holder holder(ExtensionContext context) {
        // The root store closes AutoCloseable values when the whole run ends, so every class shares one cluster.
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Holder.class, key -> Holder.start(), Holder.class);
    }

    /** The started cluster, or why it could not start: later classes fail at once instead of retrying. */
    static final class Holder implements AutoCloseable {

        private final FulcrumCluster cluster;
        private final Throwable startFailure;

        private Holder(FulcrumCluster cluster, Throwable startFailure) {
            this.cluster = cluster;
            this.startFailure = startFailure;
        }

        static Holder start() {
            try {
                return new Holder(FulcrumCluster.start(), null);
            } catch (RuntimeException | AssertionError e) {
                return new Holder(null, e);
            }
        }

        FulcrumCluster cluster() {
            if (startFailure != null) {
                throw new IllegalStateException("the Fulcrum cluster did not start: " + startFailure.getMessage(), startFailure);
            }
            return cluster;
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
