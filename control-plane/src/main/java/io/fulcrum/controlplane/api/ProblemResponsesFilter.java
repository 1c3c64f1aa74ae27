package io.fulcrum.controlplane.api;

import io.fulcrum.controlplane.warning.WarningsSchema;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Documents the single error shape once: adds the Problem schema and, to every API operation, the
 * problem+json answers its HTTP method can give, so resources need not repeat them. It also
 * documents the response-only "warnings" member, since this is the service's one OpenAPI filter.
 */
public class ProblemResponsesFilter implements OASFilter {

    private static final String PROBLEM_REF = "#/components/schemas/Problem";
    private static final Map<PathItem.HttpMethod, List<String>> STATUSES = Map.of(
            PathItem.HttpMethod.GET, List.of("400", "404"),
            PathItem.HttpMethod.POST, List.of("400", "404", "409", "415"),
            PathItem.HttpMethod.PUT, List.of("400", "404", "409", "412", "415"),
            PathItem.HttpMethod.PATCH, List.of("400", "404", "409", "412", "415"),
            PathItem.HttpMethod.DELETE, List.of("400", "404", "412"));
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "400", "Invalid request; errors lists every rejected field",
            "404", "No such resource",
            "409", "Conflicts with another resource (name, label or listener in use)",
            "412", "If-Match does not match the current ETag; nothing changed",
            "415", "Unsupported content type");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        openAPI.getComponents().addSchema("Problem", problemSchema());
        WarningsSchema.addTo(openAPI);
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            item.getOperations().forEach((method, operation) -> addProblems(method, operation));
        });
    }

    private static void addProblems(PathItem.HttpMethod method, Operation operation) {
        for (String status : STATUSES.getOrDefault(method, List.of())) {
            if (!operation.getResponses().hasAPIResponse(status)) {
                operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse()
                        .description(DESCRIPTIONS.get(status))
                        .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)))));
            }
        }
    }

    private static Schema problemSchema() {
        Schema fieldError = object()
                .addProperty("field", string("JSON path of the field, e.g. healthCheck.rise"))
                .addProperty("message", string("e.g. \"weight: -1 (expected 0..65535)\""));
        return object()
                .description("RFC 9457 problem details")
                .addProperty("type", string("urn:fulcrum:problem:<kind>"))
                .addProperty("title", string(null))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string(null))
                .addProperty("instance", string("the request path"))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError));
    }

    private static Schema object() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT);
    }

    private static Schema string(String description) {
        Schema schema = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        return description == null ? schema : schema.description(description);
    }
}
