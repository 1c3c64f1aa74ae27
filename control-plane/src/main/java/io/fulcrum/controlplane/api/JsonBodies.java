package io.fulcrum.controlplane.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.domain.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Reads request bodies into JSON trees, strictly: at most a given number of bytes, UTF-8 only,
 * one JSON object and nothing after it, no duplicate members, bounded nesting, string and number
 * lengths and token count, so no body can cost more than its limit says. Bodies are read as
 * trees rather than bound to classes so validation can report every bad field with its path, and
 * merge patches can be applied first.
 */
public final class JsonBodies {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Limits.JSON_NESTING)
                    .maxStringLength(Limits.JSON_STRING_CHARS)
                    .maxNameLength(Limits.JSON_STRING_CHARS)
                    .maxNumberLength(64)
                    .maxTokenCount(Limits.DOCUMENT_TOKENS)
                    .build())
            .build();
    private static final Logger LOG = Logger.getLogger(JsonBodies.class);
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {
    }

    /**
     * The body as a JSON object, read from {@code body} up to {@code maxBytes}; {@code what} names
     * the operation in the 413 answer (e.g. "PUT /api/v1/config").
     */
    public static ObjectNode object(InputStream body, int maxBytes, String what) {
        return parse(text(read(body, maxBytes, what)));
    }

    /** Parses text already read, e.g. in tests. */
    public static ObjectNode object(String body) {
        return parse(body);
    }

    private static byte[] read(InputStream body, int maxBytes, String what) {
        if (body == null) {
            throw empty();
        }
        try (body) {
            byte[] bytes = body.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw ProblemException.tooLarge("body", "the body is larger than " + size(maxBytes)
                        + ", the most " + what + " accepts");
            }
            return bytes;
        } catch (IOException e) {
            // The client went away or broke the framing mid-body: nobody is left to read an answer,
            // so this is no error of ours and gets no log line above DEBUG.
            LOG.debugf("the body of %s ended early: %s", what, e.getMessage());
            throw new ProblemException(400, "incomplete-body", "Incomplete body",
                    "the request body ended before it was complete", List.of(new FieldError("body",
                            "body: ended before it was complete")));
        }
    }

    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ProblemException.malformed("body", "body: not valid UTF-8 (JSON bodies are UTF-8)");
        }
    }

    private static ObjectNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw empty();
        }
        JsonNode tree;
        try (JsonParser parser = FACTORY.createParser(text)) {
            try {
                tree = MAPPER.readTree(parser);
            } catch (JsonProcessingException e) {
                String at = path(parser.getParsingContext());
                throw ProblemException.malformed(at, at + ": malformed JSON: " + e.getOriginalMessage());
            }
        } catch (IOException e) {
            throw ProblemException.malformed("body", "body: unreadable JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw ProblemException.malformed("body", "body: " + (tree == null ? "empty" : tree.getNodeType()
                    .toString().toLowerCase()) + " (expected a JSON object)");
        }
        return (ObjectNode) tree;
    }

    private static ProblemException empty() {
        return ProblemException.malformed("body", "body: empty (expected a JSON object)");
    }

    /** Where the parser stopped, as a field path: "body", "ports[2]" or "healthCheck.rise". */
    private static String path(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inArray()) {
                path.insert(0, "[" + Math.max(0, at.getCurrentIndex()) + "]");
            } else if (at.getCurrentName() != null) {
                String name = at.getCurrentName();
                path.insert(0, (at.getParent() != null && !at.getParent().inRoot() ? "." : "")
                        + (name.length() > 64 ? name.substring(0, 61) + "..." : name));
            }
        }
        String result = path.toString().replaceFirst("^\\.", "");
        return result.isEmpty() ? "body" : result;
    }

    private static String size(int bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }

    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    public static ObjectNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 7396 JSON merge patch: objects merge recursively, null removes, anything else replaces. */
    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : MAPPER.createObjectNode();
        patch.fields().forEachRemaining(entry -> {
            if (entry.getValue().isNull()) {
                result.remove(entry.getKey());
            } else {
                result.set(entry.getKey(), mergePatch(result.get(entry.getKey()), entry.getValue()));
            }
        });
        return result;
    }
}
