package shop.engine.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import shop.engine.support.EngineException;

/** sha256 digests in the OCI form {@code sha256:<64 hex>}; the only algorithm the store keeps. */
public final class Digest {

    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digest() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    public static String of(byte[] bytes) {
        return format(sha256().digest(bytes));
    }

    public static String format(byte[] sha256) {
        return "sha256:" + HexFormat.of().formatHex(sha256);
    }

    /** Refuses anything that is not a sha256 digest, so a digest can safely name a file. */
    public static String validate(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw EngineException.invalid("invalid digest " + digest + ": want sha256:<64 lowercase hex>");
        }
        return digest;
    }

    public static String hex(String digest) {
        return validate(digest).substring("sha256:".length());
    }
}
