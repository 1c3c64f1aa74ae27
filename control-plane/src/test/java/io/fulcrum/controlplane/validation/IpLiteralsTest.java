package io.fulcrum.controlplane.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

    @ParameterizedTest
    @CsvSource({"127.0.0.1,127.0.0.1", "0.0.0.0,0.0.0.0", "255.255.255.255,255.255.255.255", "::1,::1",
            "0:0:0:0:0:0:0:1,::1", "2001:DB8:0:0:1:0:0:1,2001:db8::1:0:0:1", "fe80::,fe80::", "::,::",
            "1:0:0:2:0:0:0:3,1:0:0:2::3"})
    void literalsAreAcceptedInCanonicalForm(String input, String canonical) {
        assertEquals(canonical, IpLiterals.canonical(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "127.0.0.256", "127.0.0.01", "127.1", "1.2.3.4.5", "",
            "fe80::1%eth0", ":::", "12345::", "1.2.3.4 ", "[::1]"})
    void anythingElseIsRefusedWithoutALookup(String input) {
        assertNull(IpLiterals.canonical(input));
    }
}
