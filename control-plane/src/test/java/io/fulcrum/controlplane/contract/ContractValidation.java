package io.fulcrum.controlplane.contract;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;

/**
 * Installs {@link ContractFilter} and {@link TestCredentials} for every @QuarkusTest (registered through META-INF/services), so
 * no API test can talk to the service without its requests and responses being checked.
 */
public class ContractValidation implements QuarkusTestBeforeEachCallback {

    private static final ContractFilter FILTER = new ContractFilter();
    private static final TestCredentials CREDENTIALS = new TestCredentials();

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!RestAssured.filters().contains(FILTER)) {
            RestAssured.filters(CREDENTIALS, FILTER);
            // Send Content-Type exactly as a test writes it: REST Assured would add charset=ISO-8859-1
            // to types it does not know as JSON (application/merge-patch+json), which the API refuses.
            RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false));
        }
    }
}
