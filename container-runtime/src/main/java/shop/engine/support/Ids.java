package shop.engine.support;

import java.security.SecureRandom;

/** Random identifiers, 32 bytes as Docker's 64-hex-digit ids. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** 64 hex digits. */
    public static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
