package io.fulcrum.controlplane.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * API token secrets: 256 random bits, shown once; only their SHA-256 is stored. A fast hash is
 * enough for secrets of that entropy (no dictionary to try), and it lets a lookup be one indexed read.
 */
final class TokenSecrets {

    static final String PREFIX = "fulcrum_";
    /** What a secret may look like, so a header can be refused before any lookup. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.~+/=-]{32,256}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {
    }

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean wellFormed(String secret) {
        return secret != null && SHAPE.matcher(secret).matches();
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
