package io.pado;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed test certificates made at test time by the JDK's own {@code keytool} (no files committed, nothing
 * expires): a PKCS#12 store per certificate, and the same certificate and key as PEM files.
 */
public final class TestCertificates {
    static final char[] PASSWORD = "changeit".toCharArray();

    /** One certificate with its key. */
    public record Identity(Path keyStore, Path certificatePem, Path keyPem) {
        KeyStore load() throws IOException, GeneralSecurityException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, PASSWORD);
            }
            return store;
        }

        public ServerTls serverTls() throws IOException, GeneralSecurityException {
            return ServerTls.fromKeyStore(load(), PASSWORD.clone());
        }

        public ClientTls clientTls() throws IOException, GeneralSecurityException {
            return ClientTls.trustingPem(certificatePem);
        }

        /** An SSLContext that trusts this certificate only, for the JDK's HttpClient. */
        SSLContext trustingContext() throws IOException, GeneralSecurityException {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", load().getCertificate("server"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        }
    }

    private TestCertificates() {
    }

    /** A new EC key and a self-signed certificate for {@code subjectAltNames} (e.g. {@code dns:localhost}). */
    public static Identity create(Path dir, String name, String subjectAltNames) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=" + subjectAltNames,
                "-validity", "3650", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        Certificate cert = ks.getCertificate("server");
        byte[] key = ks.getKey("server", PASSWORD).getEncoded(); // PKCS#8
        Path certPem = Files.writeString(dir.resolve(name + ".crt.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyPem = Files.writeString(dir.resolve(name + ".key.pem"), pem("PRIVATE KEY", key));
        return new Identity(store, certPem, keyPem);
    }

    static String pem(String label, byte[] der) {
        var encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return "-----BEGIN " + label + "-----\n" + encoder.encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
