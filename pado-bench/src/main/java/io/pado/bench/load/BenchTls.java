package io.pado.bench.load;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.pado.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate of the {@code wss://} runs, for every server the same: a PKCS#12 key store made at run time by the
 * JDK's {@code keytool} (run-tls.sh: an EC P-256 key, self-signed, under pado-bench/target/tls/), password
 * {@code changeit}, named by the system property {@code pado.tls.keystore}. TLS 1.3 and 1.2 are offered, so that
 * every server and client meets on 1.3.
 */
final class BenchTls {
    static final String PASSWORD = "changeit";
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final KeyStore store;

    private BenchTls(KeyStore store) {
        this.store = store;
    }

    /** The key store named by {@code pado.tls.keystore}. */
    static BenchTls fromProperty() throws IOException, GeneralSecurityException {
        String path = System.getProperty("pado.tls.keystore");
        if (path == null) {
            throw new IllegalStateException("a -tls server needs -Dpado.tls.keystore=PATH (PKCS#12, " + PASSWORD + ")");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            store.load(in, PASSWORD.toCharArray());
        }
        return new BenchTls(store);
    }

    Path path() {
        return Path.of(System.getProperty("pado.tls.keystore"));
    }

    KeyManagerFactory keyManagers() throws GeneralSecurityException {
        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        return keys;
    }

    ServerTls padoServer() throws GeneralSecurityException {
        return ServerTls.fromKeyStore(store, PASSWORD.toCharArray());
    }

    /** A context for clients that trusts this certificate (the idle-memory client, for one). */
    SSLContext trustingClient() throws GeneralSecurityException {
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * Netty's context with the JDK's {@code SSLEngine} ({@link SslProvider#JDK}) or BoringSSL through
     * netty-tcnative ({@link SslProvider#OPENSSL}); for the latter, fails with the reason when it does not load here.
     */
    SslContext netty(SslProvider provider) throws GeneralSecurityException, IOException {
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            throw new IllegalStateException("netty-tcnative does not load here: " + OpenSsl.unavailabilityCause(),
                    OpenSsl.unavailabilityCause());
        }
        return SslContextBuilder.forServer(keyManagers()).sslProvider(provider).protocols(PROTOCOLS).build();
    }

    /** Jetty's factory over the same key store. */
    org.eclipse.jetty.util.ssl.SslContextFactory.Server jetty() {
        var factory = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
        factory.setKeyStorePath(path().toString());
        factory.setKeyStorePassword(PASSWORD);
        factory.setKeyStoreType("PKCS12");
        factory.setIncludeProtocols(PROTOCOLS);
        return factory;
    }

    /** Vert.x's options over the same key store. */
    io.vertx.core.net.KeyStoreOptions vertx() {
        return new io.vertx.core.net.KeyStoreOptions().setType("PKCS12").setPath(path().toString())
                .setPassword(PASSWORD);
    }
}
