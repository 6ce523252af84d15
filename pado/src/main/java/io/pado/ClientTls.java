package io.pado;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Whom a {@link Client} trusts on {@code wss://}: the JDK's default trust store ({@link #SYSTEM}, the default), a
 * trust store of your own, or any {@link SSLContext}. Whatever the trust, the client sends the host name as SNI
 * (RFC 6066 §3) and checks that the server's certificate was issued for the URI's host (RFC 2818 §3.1): a
 * certificate for another name fails {@link Client#connect} with an {@link javax.net.ssl.SSLHandshakeException}.
 * TLS 1.3 or 1.2, ALPN {@code http/1.1}. Immutable and thread-safe.
 *
 * {@snippet :
 * var client = Client.create(ClientOptions.builder()
 *         .tls(ClientTls.trustingPem(Path.of("internal-ca.pem")))
 *         .build());
 * }
 */
public final class ClientTls {
    /** The JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
    public static final ClientTls SYSTEM = new ClientTls(null);

    /** Null for {@link SSLContext#getDefault()}, looked up when first needed. */
    private final SSLContext context;

    private ClientTls(SSLContext context) {
        this.context = context;
    }

    /** Trusts the certificates (CAs, or a server's own self-signed certificate) in {@code store}. */
    public static ClientTls trusting(KeyStore store) throws GeneralSecurityException {
        Objects.requireNonNull(store, "store");
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return new ClientTls(context);
    }

    /** Trusts the certificates of a PEM file (RFC 7468): one or more {@code CERTIFICATE} blocks. */
    public static ClientTls trustingPem(Path certificates) throws IOException, GeneralSecurityException {
        List<Certificate> certs = Pem.certificates(Objects.requireNonNull(certificates, "certificates"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
            store.setCertificateEntry("trusted-" + i, certs.get(i));
        }
        return trusting(store);
    }

    /** An {@link SSLContext} you built yourself (client certificates, say); host names are still verified. */
    public static ClientTls of(SSLContext context) {
        return new ClientTls(Objects.requireNonNull(context, "context"));
    }

    /**
     * The context new connections' engines come from.
     *
     * @throws IllegalStateException if this is {@link #SYSTEM} and the JDK has no default context
     */
    public SSLContext context() {
        if (context != null) {
            return context;
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default SSLContext", e);
        }
    }

    @Override
    public String toString() {
        return context == null ? "ClientTls[SYSTEM]" : "ClientTls[" + context.getProtocol() + "]";
    }
}
