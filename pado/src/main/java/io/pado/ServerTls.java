package io.pado;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A {@link Server}'s certificate and private key for {@code wss://} (RFC 6455 §4.1 and §11.1.2): TLS 1.3 or 1.2,
 * run by the event loops with the JDK's {@link javax.net.ssl.SSLEngine}, ALPN {@code http/1.1}.
 *
 * <p>Load it from PEM files ({@link #fromPem}), a {@link KeyStore} ({@link #fromKeyStore}) or any
 * {@link SSLContext} ({@link #of}); give it to {@link ServerOptions.Builder#tls}. To renew a certificate without a
 * restart, load the new one and call {@link Server#reloadCertificate}: new connections use it, open ones keep theirs.
 * Immutable and thread-safe.
 *
 * {@snippet :
 * var tls = ServerTls.fromPem(Path.of("/etc/pado/fullchain.pem"), Path.of("/etc/pado/key.pem"));
 * Server server = Server.create(ServerOptions.builder().port(8443).tls(tls).build());
 * }
 */
public final class ServerTls {
    private final SSLContext context;

    private ServerTls(SSLContext context) {
        this.context = context;
    }

    /**
     * Certificates and key from PEM files (RFC 7468).
     *
     * @param certificateChain one or more {@code CERTIFICATE} blocks: the server's certificate, then the
     *                         intermediates
     * @param privateKey       one unencrypted PKCS#8 {@code PRIVATE KEY} block (RSA, EC or EdDSA); convert others
     *                         with {@code openssl pkcs8 -topk8 -nocrypt}
     * @throws IOException              if a file cannot be read
     * @throws GeneralSecurityException if the files hold no usable certificate or key
     */
    public static ServerTls fromPem(Path certificateChain, Path privateKey)
            throws IOException, GeneralSecurityException {
        List<Certificate> chain = Pem.certificates(Objects.requireNonNull(certificateChain, "certificateChain"));
        PrivateKey key = Pem.privateKey(Objects.requireNonNull(privateKey, "privateKey"));
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
        return fromKeyStore(store, password);
    }

    /**
     * The key entry of {@code store} (with its certificate chain) whose password is {@code password}. A store with
     * several key entries lets the JDK choose by the client's SNI and algorithms.
     *
     * @throws GeneralSecurityException if the store has no usable key entry
     */
    public static ServerTls fromKeyStore(KeyStore store, char[] password) throws GeneralSecurityException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(password, "password");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return new ServerTls(context);
    }

    /** An {@link SSLContext} you built yourself; pado still restricts protocols to TLS 1.3 and 1.2. */
    public static ServerTls of(SSLContext context) {
        return new ServerTls(Objects.requireNonNull(context, "context"));
    }

    /** The context new connections' engines come from. */
    public SSLContext context() {
        return context;
    }

    @Override
    public String toString() {
        return "ServerTls[" + context.getProtocol() + "]";
    }
}
