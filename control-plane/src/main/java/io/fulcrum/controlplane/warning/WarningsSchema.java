package io.fulcrum.controlplane.warning;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Documents the "warnings" member that write responses of virtual and real servers may carry;
 * it is added to the JSON at response time, so no record declares it.
 */
public final class WarningsSchema {

    private static final String DESCRIPTION = "Only in write responses, only when non-empty, never stored: "
            + "advice about the accepted configuration (e.g. one real server address:port behind both "
            + "a layer-7 and a layer-4 virtual service)";

    private WarningsSchema() {
    }

    public static void addTo(OpenAPI openAPI) {
        var schemas = openAPI.getComponents().getSchemas();
        for (String name : new String[] {"VirtualService", "RealServer"}) {
            Schema schema = schemas == null ? null : schemas.get(name);
            if (schema != null) {
                schema.addProperty("warnings", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .readOnly(true).description(DESCRIPTION)
                        .items(OASFactory.createSchema().ref("#/components/schemas/Warning")));
            }
        }
    }
}
