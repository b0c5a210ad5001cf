package shop.profiles.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a signing key's private part before it goes to the database, so that a dump or a backup of
 * profiles' database does not give away the power to sign tokens. AES-256-GCM under a key derived
 * from the stack's secret ({@code SHOP_SIGNING_KEY_SECRET}) with PBKDF2-HMAC-SHA256 and a salt per
 * sealed key; the key id is the associated data, so a sealed key moved to another row does not open.
 * The stored form is {@code "SK1:"}, the salt (16 bytes), the nonce (12) and the ciphertext with its
 * tag. A PKCS#8 key stored before sealing existed starts with a DER sequence byte instead, which is
 * how {@link #isSealed} tells the two apart.
 */
final class PrivateKeySeal {

    private static final byte[] MAGIC = "SK1:".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT = 16;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final int ITERATIONS = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final char[] secret;

    PrivateKeySeal(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("shop.profiles.signing-key.secret (SHOP_SIGNING_KEY_SECRET) is not set: profiles"
                    + " keeps its token signing key sealed with it, and fig generates one for its stack");
        }
        this.secret = secret.toCharArray();
    }

    static boolean isSealed(byte[] stored) {
        return stored.length > MAGIC.length && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    byte[] seal(String kid, byte[] privateKey) {
        byte[] salt = random(SALT);
        byte[] nonce = random(NONCE);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, salt, nonce, kid);
            byte[] sealed = cipher.doFinal(privateKey);
            return ByteBuffer.allocate(MAGIC.length + SALT + NONCE + sealed.length)
                    .put(MAGIC).put(salt).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("seal signing key " + kid + ": " + e.getMessage(), e);
        }
    }

    byte[] open(String kid, byte[] stored) {
        if (!isSealed(stored) || stored.length < MAGIC.length + SALT + NONCE + TAG_BITS / 8) {
            throw new IllegalStateException("signing key " + kid + " is not sealed");
        }
        ByteBuffer in = ByteBuffer.wrap(stored, MAGIC.length, stored.length - MAGIC.length);
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        in.get(salt).get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        try {
            return cipher(Cipher.DECRYPT_MODE, salt, nonce, kid).doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("open signing key " + kid + ": it was sealed with another"
                    + " SHOP_SIGNING_KEY_SECRET, or altered (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private Cipher cipher(int mode, byte[] salt, byte[] nonce, String kid) throws GeneralSecurityException {
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(secret, salt, ITERATIONS, 256)).getEncoded();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
