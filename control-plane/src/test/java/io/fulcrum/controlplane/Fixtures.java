package io.fulcrum.controlplane;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builders for request bodies and names. Test classes share one database, so every test makes its
 * own names and listener addresses instead of relying on a clean slate.
 */
public final class Fixtures {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Fixtures() {
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A loopback address no other test uses (127.1.x.y). */
    public static String uniqueAddress() {
        int n = COUNTER.incrementAndGet();
        return "127.1." + (n / 250) + "." + (n % 250 + 1);
    }

    public static String virtualService(String name, String address, int port) {
        return """
                {"name": "%s", "address": "%s", "ports": [%d]}""".formatted(name, address, port);
    }

    public static String realServer(String label, String address) {
        return """
                {"label": "%s", "address": "%s"}""".formatted(label, address);
    }

    public static RequestSpecification json() {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    public static String vsPath(String name) {
        return "/api/v1/virtual-services/" + name;
    }

    public static String rsPath(String name, String label) {
        return vsPath(name) + "/real-servers/" + label;
    }

    /** Creates a minimal virtual service and returns its name. */
    public static String createVirtualService() {
        String name = uniqueName("vs");
        json().body(virtualService(name, uniqueAddress(), 8443)).post("/api/v1/virtual-services")
                .then().statusCode(201);
        return name;
    }

    public static long configVersion() {
        Response response = given().get("/api/v1/virtual-services");
        return Long.parseLong(response.header("Fulcrum-Config-Version"));
    }
}
