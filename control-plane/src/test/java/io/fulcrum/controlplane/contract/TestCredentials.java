package io.fulcrum.controlplane.contract;

import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Signs the tests' requests in as the test profile's bootstrap admin, unless a request brings its
 * own Authorization header or asks to go without one ({@link #ANONYMOUS}).
 */
public final class TestCredentials implements OrderedFilter {

    /** The secret of the test profile's bootstrap token (application.properties, %test). */
    public static final String ADMIN_TOKEN = "fulcrum_test-admin-0123456789abcdefghijklmnopqrstuvwxyz";
    /** A header that makes this filter send the request with no Authorization at all. */
    public static final String ANONYMOUS = "X-Test-Anonymous";

    @Override
    public int getOrder() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        if (request.getHeaders().hasHeaderWithName(ANONYMOUS)) {
            request.removeHeader(ANONYMOUS);
        } else if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + ADMIN_TOKEN);
        }
        return context.next(request, response);
    }
}
