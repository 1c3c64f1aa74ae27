package io.fulcrum.controlplane.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The first admin: a secret given by FULCRUM_BOOTSTRAP_TOKEN or, better, by a file named in
 * FULCRUM_BOOTSTRAP_TOKEN_FILE (a mounted secret) becomes the admin token "bootstrap" at start,
 * unless that token was revoked. The secret itself is never logged.
 */
@ApplicationScoped
public class BootstrapToken {

    private static final Logger LOG = Logger.getLogger(BootstrapToken.class);

    @Inject
    ApiTokens tokens;
    @ConfigProperty(name = "fulcrum.bootstrap-token")
    Optional<String> secret;
    @ConfigProperty(name = "fulcrum.bootstrap-token-file")
    Optional<String> file;

    void onStart(@Observes StartupEvent event) {
        Optional<String> given = file.map(BootstrapToken::read).or(() -> secret);
        if (given.isEmpty()) {
            LOG.info("no bootstrap token configured (FULCRUM_BOOTSTRAP_TOKEN_FILE or FULCRUM_BOOTSTRAP_TOKEN);"
                    + " the API accepts only tokens already created");
            return;
        }
        if (!TokenSecrets.wellFormed(given.get())) {
            throw new IllegalStateException("the bootstrap token must be 32 to 256 characters of [A-Za-z0-9_.~+/=-]");
        }
        if (tokens.bootstrap(given.get())) {
            LOG.infof("admin token \"bootstrap\" is the one from %s", file.isPresent() ? file.get() : "FULCRUM_BOOTSTRAP_TOKEN");
        } else {
            LOG.warn("the bootstrap token was revoked, so the one configured is not accepted");
        }
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bootstrap token file " + path, e);
        }
    }
}
