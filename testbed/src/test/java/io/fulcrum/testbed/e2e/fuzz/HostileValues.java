package io.fulcrum.testbed.e2e.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/** Values a hostile or careless client puts where a field is expected. */
final class HostileValues {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Strings that break parsers, overflow durations, smuggle requests or inject into queries. */
    static final List<String> STRINGS = List.of(
            "", " ", ".", "..", "a\u0000b", "\u0000", "x".repeat(65), "y".repeat(5000), "\uD83D\uDE00", "\u202Ename",
            "999999999999999d", "9999999999d", "106752d", "25d", "577h", "0s", "0ms", "-1s", "1w", "1.5s", "5 s",
            " 5s", "05s", "5S", "1e3s", "P1D", "NaN", "Infinity", "-0", "1e400",
            "'; DROP TABLE virtual_service; --", "\" OR 1=1 --", "${jndi:ldap://127.0.0.1:1/a}", "{{7*7}}",
            "../../etc/passwd", "%00", "%2e%2e", "<script>alert(1)</script>", "/a\r\nHost: evil", "/\r\n\r\nGET /",
            "127.0.0.256", "127.0.0.01", "localhost", "example.com", "fe80::1%eth0", "::g", "1:2:3:4:5:6:7:8:9",
            "0.0.0.0", "::", "255.255.255.255", "tcp", "UDP", "7", "4", "source-ip", "http", "online", "drain",
            "true", "null", "[]", "{}");

    static final List<JsonNode> NUMBERS = List.of(
            JSON.numberNode(0), JSON.numberNode(-1), JSON.numberNode(1), JSON.numberNode(65535), JSON.numberNode(65536),
            JSON.numberNode(Integer.MAX_VALUE), JSON.numberNode(2147483648L), JSON.numberNode(-2147483649L),
            JSON.numberNode(Long.MAX_VALUE), JSON.numberNode(new BigInteger("9223372036854775808")),
            JSON.numberNode(new BigInteger("99999999999999999999999999999999999999")),
            JSON.numberNode(new BigDecimal("1e308")), JSON.numberNode(-0.0), JSON.numberNode(0.5),
            JSON.numberNode(1000001), JSON.numberNode(10001), JSON.numberNode(100), JSON.numberNode(101),
            JSON.numberNode(7), JSON.numberNode(4), JSON.numberNode(new BigDecimal("1E+3")));

    private HostileValues() {
    }

    static JsonNode any(Random random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> JSON.textNode(STRINGS.get(random.nextInt(STRINGS.size())));
            case 4, 5, 6 -> NUMBERS.get(random.nextInt(NUMBERS.size()));
            case 7 -> random.nextBoolean() ? JSON.booleanNode(random.nextBoolean()) : JSON.nullNode();
            case 8 -> {
                ArrayNode array = JSON.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(random.nextBoolean() ? NUMBERS.get(random.nextInt(NUMBERS.size()))
                            : JSON.textNode(STRINGS.get(random.nextInt(STRINGS.size()))));
                }
                yield array;
            }
            default -> JSON.objectNode().put(STRINGS.get(random.nextInt(STRINGS.size())), random.nextInt());
        };
    }

    /** A value nested {@code depth} arrays deep. */
    static JsonNode nested(int depth) {
        JsonNode value = JSON.numberNode(1);
        for (int i = 0; i < depth; i++) {
            value = JSON.arrayNode().add(value);
        }
        return value;
    }
}
