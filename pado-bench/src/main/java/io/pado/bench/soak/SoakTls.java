package io.pado.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The soak's {@code wss://} mode: a test certificate in a PKCS#12 store (made by run-soak.sh with the JDK's
 * {@code keytool}, alias {@code soak}, password {@code soaksoak}), which the server presents and the client trusts.
 * And one connection's TLS on a non-blocking socket: the JDK's {@link SSLEngine} in the client role, wrapping what the
 * connection writes and unwrapping what the socket gives. Engines are used by one thread only.
 */
final class SoakTls {
    static final char[] PASSWORD = "soaksoak".toCharArray();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final KeyStore store;
    private final SSLContext client;

    private SoakTls(KeyStore store, SSLContext client) {
        this.store = store;
        this.client = client;
    }

    /** Loads the store at {@code p12}; the client side trusts its certificate and nothing else. */
    static SoakTls load(Path p12) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("soak", store.getCertificate("soak"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return new SoakTls(store, client);
    }

    /** The server's key and certificate. */
    KeyStore keyStore() {
        return store;
    }

    /** A context that trusts the soak certificate, for blocking sockets ({@code /stats}). */
    SSLContext clientContext() {
        return client;
    }

    /** A new client-side connection; its handshake has begun (its first records wait in {@link Pipe#wrap}). */
    Pipe newPipe(int port) throws SSLException {
        SSLEngine engine = client.createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        return new Pipe(engine);
    }

    /** One connection's TLS: records to write from application bytes, and application bytes from records read. */
    static final class Pipe {
        final SSLEngine engine;
        /** Write mode: records read from the socket, not yet unwrapped. */
        private ByteBuffer netIn;
        /** Records wrapped by the last {@link #wrap}, flipped. */
        private ByteBuffer netOut;
        private boolean inboundClosed;

        private Pipe(SSLEngine engine) {
            this.engine = engine;
            int packet = engine.getSession().getPacketBufferSize();
            this.netIn = ByteBuffer.allocate(packet);
            this.netOut = ByteBuffer.allocate(packet);
        }

        /** Where the socket's bytes go before {@link #unwrap}. */
        ByteBuffer netIn() {
            if (!netIn.hasRemaining()) {
                netIn = ByteBuffer.allocate(2 * netIn.capacity()).put(netIn.flip());
            }
            return netIn;
        }

        /**
         * Wraps all of {@code app} (empty: only what the handshake needs to send) into records; returns them, flipped,
         * valid until the next call.
         */
        ByteBuffer wrap(ByteBuffer app) throws SSLException {
            netOut.clear();
            for (int step = 0; step < 10_000; step++) {
                SSLEngineResult r = engine.wrap(app, netOut);
                runTasks();
                switch (r.getStatus()) {
                    case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(2 * netOut.capacity()).put(netOut.flip());
                    case CLOSED -> throw new SSLException("TLS closed while writing");
                    default -> {
                        boolean more = app.hasRemaining()
                                || engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
                        if (!more || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)) {
                            return netOut.flip();
                        }
                    }
                }
            }
            throw new SSLException("TLS wrap made no progress");
        }

        /** What the handshake needs next, after any delegated task has run. */
        SSLEngineResult.HandshakeStatus handshakeStatus() {
            runTasks();
            return engine.getHandshakeStatus();
        }

        /**
         * Unwraps one record from what was read into {@code app} (write mode). Returns false when more bytes must be
         * read first, or the peer closed TLS; {@link #growApp} is called when {@code app} is too small.
         */
        boolean unwrap(ByteBuffer app, Runnable growApp) throws SSLException {
            if (inboundClosed) {
                return false;
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, app);
            } finally {
                netIn.compact();
            }
            runTasks();
            return switch (r.getStatus()) {
                case OK -> true;
                case BUFFER_OVERFLOW -> {
                    growApp.run();
                    yield true;
                }
                case BUFFER_UNDERFLOW -> false;
                case CLOSED -> {
                    inboundClosed = true;
                    yield false;
                }
            };
        }

        /** Whether the peer sent its close_notify. */
        boolean inboundClosed() {
            return inboundClosed;
        }

        /** The handshake's records to write now, if it needs to send (flipped; empty if not). */
        ByteBuffer handshakeOutput() throws SSLException {
            return handshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP ? wrap(EMPTY) : EMPTY;
        }

        boolean handshaking() {
            SSLEngineResult.HandshakeStatus hs = handshakeStatus();
            return hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && hs != SSLEngineResult.HandshakeStatus.FINISHED;
        }

        private void runTasks() {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }
    }
}
