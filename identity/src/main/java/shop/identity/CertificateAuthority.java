package shop.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A stack's certificate authority, kept in one folder (mode 0700): {@code ca.crt} and
 * {@code ca.key}, and for each service {@code <service>.crt} and {@code <service>.key}, all PEM. The
 * first use creates the authority; later ones reuse it. A service's certificate names it twice:
 * as its subject's common name, which is who the callee sees calling, and as a DNS name, which is
 * what a caller checks the callee against (the channel's authority is the service's name). It is
 * good for both ends of a connection, and valid for {@link #SERVICE_VALIDITY}; {@link #issue}
 * renews it once less than {@link #RENEW_BEFORE} is left, or when another authority signed it.
 * Keys are EC P-256: a handshake costs a fraction of RSA's. Several processes may issue from one
 * folder at once (tests, fig and run-local.sh): a lock on {@code .lock} orders them.
 */
public final class CertificateAuthority {

    static final Duration AUTHORITY_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVICE_VALIDITY = Duration.ofDays(90);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** What may name a service: the names fig and Eureka use, and safe as a file name. */
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path folder;
    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(Path folder, X509Certificate certificate, PrivateKey key) {
        this.folder = folder;
        this.certificate = certificate;
        this.key = key;
    }

    /** The authority kept in this folder, created there (with the folder) when there is none. */
    public static CertificateAuthority openOrCreate(Path folder) {
        try {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return locked(folder, () -> {
                Path certificateFile = folder.resolve("ca.crt");
                Path keyFile = folder.resolve("ca.key");
                if (Files.exists(certificateFile) && Files.exists(keyFile)) {
                    return new CertificateAuthority(folder, readCertificate(certificateFile), readKey(keyFile));
                }
                KeyPair pair = newKeyPair();
                X500Principal name = new X500Principal("CN=shop stack authority " + Long.toHexString(RANDOM.nextLong()));
                Instant now = Instant.now();
                JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(AUTHORITY_VALIDITY)), name, pair.getPublic());
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                builder.addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
                X509Certificate made = sign(builder, pair.getPrivate());
                write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
                write(certificateFile, pem("CERTIFICATE", made.getEncoded()), "rw-r--r--");
                return new CertificateAuthority(folder, made, pair.getPrivate());
            });
        } catch (IOException e) {
            throw new UncheckedIOException("open the certificate authority in " + folder, e);
        }
    }

    public Path folder() {
        return folder;
    }

    /** The authority's certificate: what every service trusts. */
    public Path certificateFile() {
        return folder.resolve("ca.crt");
    }

    /**
     * The service's certificate and key, as they are when still good for {@link #RENEW_BEFORE} and
     * signed by this authority, else newly issued.
     *
     * @throws IllegalArgumentException when the name is not a service's (lower-case letters, digits, -)
     */
    public ServiceCertificate issue(String service) {
        return issue(service, Instant.now());
    }

    /** {@link #issue(String)} as it would be at {@code now}. */
    ServiceCertificate issue(String service, Instant now) {
        if (!SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("\"" + service + "\" is not a service name (lower-case letters, digits and -)");
        }
        Path certificateFile = folder.resolve(service + ".crt");
        Path keyFile = folder.resolve(service + ".key");
        try {
            return locked(folder, () -> {
                if (Files.exists(certificateFile) && Files.exists(keyFile)) {
                    X509Certificate existing = readCertificate(certificateFile);
                    if (signedHere(existing) && existing.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))) {
                        return new ServiceCertificate(service, certificateFile, keyFile, existing, false);
                    }
                }
                KeyPair pair = newKeyPair();
                JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SERVICE_VALIDITY)),
                        new X500Principal("CN=" + service), pair.getPublic());
                JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, service)));
                builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
                X509Certificate made = sign(builder, key);
                write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
                write(certificateFile, pem("CERTIFICATE", made.getEncoded()), "rw-r--r--");
                return new ServiceCertificate(service, certificateFile, keyFile, made, true);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("issue " + service + "'s certificate in " + folder, e);
        }
    }

    private boolean signedHere(X509Certificate issued) {
        try {
            issued.verify(certificate.getPublicKey());
            return issued.getIssuerX500Principal().equals(certificate.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private interface Locked<T> {
        T run() throws IOException, GeneralSecurityException, OperatorCreationException;
    }

    /** File locks belong to the process: threads of one process take turns here first. */
    private static final Object IN_PROCESS = new Object();

    private static <T> T locked(Path folder, Locked<T> work) throws IOException {
        synchronized (IN_PROCESS) {
            return lockedFile(folder, work);
        }
    }

    private static <T> T lockedFile(Path folder, Locked<T> work) throws IOException {
        try (FileChannel channel = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return work.run();
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("the JDK's EC and SHA-256 are missing: " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(128, RANDOM);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        Matcher block = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!block.find() || !block.group(1).equals("PRIVATE KEY")) {
            throw new GeneralSecurityException(file + " holds no PKCS#8 private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Written whole or not at all: a reader never sees half a key. */
    private static void write(Path file, String text, String mode) throws IOException {
        Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, text, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString(mode));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
