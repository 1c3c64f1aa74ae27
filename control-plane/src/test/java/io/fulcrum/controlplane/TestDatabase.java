package io.fulcrum.controlplane;

import io.quarkus.test.common.QuarkusTestResource;

/** Declares the database resource once for every @QuarkusTest of the module. */
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = false)
public final class TestDatabase {

    private TestDatabase() {
    }
}
