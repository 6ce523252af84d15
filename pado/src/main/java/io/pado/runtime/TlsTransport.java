package io.pado.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS 1.2/1.3 over a non-blocking socket with the JDK's {@link SSLEngine}, run by the event loop that owns the
 * socket: no thread per connection. Reads fill {@code netIn} from the socket and unwrap it into the loop's read
 * buffer; writes wrap application bytes into {@code netOut} and write that. The handshake advances from both sides:
 * whatever the engine needs next (wrap, unwrap or a delegated task) is done where it is noticed.
 *
 * <p>Delegated tasks (certificate checks, key generation) run inline on the loop: they take well under a
 * millisecond for the usual EC and RSA-2048 keys, and handing them to another thread would cost about as much.
 *
 * <p>The record buffers are borrowed from the loop's {@link PacketPool} while bytes move and given back as soon as
 * they are empty: an idle connection holds none, only its {@code SSLEngine}. {@code netIn} holds one record (it stays
 * while a record has arrived in part), {@code netOut} up to four, so that large messages go out in few system calls
 * (it stays while the socket has not taken them). Plain text is unwrapped straight into the loop's read buffer and
 * wrapped from the frames, so there is no application buffer of our own either. Not thread-safe: the loop thread
 * only.
 */
public final class TlsTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(TlsTransport.class.getName());
    /** Bounds every loop below; each step makes progress or stops, so this is never reached in practice. */
    private static final int MAX_STEPS = 256;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** RFC 7301 ALPN: WebSocket (RFC 6455) runs over HTTP/1.1. */
    private static final String[] ALPN = {"http/1.1"};

    /** Where the records go: the socket, or a proxy's tunnel over it. */
    private final Transport lower;
    private final PacketPool pool;
    private final ByteBuffer[] netOutArray = new ByteBuffer[1];
    private final SSLEngine engine;
    private final int appBufferBytes;
    private final int packetBytes;
    /** Write mode: bytes read from the socket and not yet unwrapped; null (back in the pool) while none wait. */
    private ByteBuffer netIn;
    /** Write mode: records wrapped and not yet written to the socket; null (back in the pool) while none wait. */
    private ByteBuffer netOut;
    private boolean eof;
    private boolean inboundClosed;
    private boolean outboundClosing;
    /** Where handshakes are counted: the server's or the client's. */
    private final Counters counters;
    /** Whether the handshake's end, finished or failed, was counted. */
    private boolean handshakeCounted;

    private TlsTransport(Transport lower, SSLEngine engine, Counters counters, PacketPool pool)
            throws SSLException {
        this.lower = lower;
        this.engine = engine;
        this.counters = counters;
        this.pool = pool;
        this.appBufferBytes = engine.getSession().getApplicationBufferSize();
        this.packetBytes = engine.getSession().getPacketBufferSize();
        engine.beginHandshake();
    }

    /**
     * The server's side, with the certificate of {@code context}; its handshake is counted in {@code counters}, its
     * record buffers come from {@code pool}.
     */
    public static TlsTransport server(Transport lower, SSLContext context, Counters counters, PacketPool pool)
            throws SSLException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(PROTOCOLS);
        params.setApplicationProtocols(ALPN);
        engine.setSSLParameters(params);
        return new TlsTransport(lower, engine, counters, pool);
    }

    /**
     * The client's side toward {@code host}: SNI with the host name (RFC 6066 §3; not for IP literals) and the
     * server's certificate checked against it (RFC 2818 §3.1, RFC 6125), besides the trust chain. Its handshake is
     * counted in {@code counters}; record buffers come from {@code pool}.
     */
    public static TlsTransport client(Transport lower, SSLContext context, String host, int port, Counters counters,
            PacketPool pool)
            throws SSLException {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(PROTOCOLS);
        params.setApplicationProtocols(ALPN);
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(params);
        return new TlsTransport(lower, engine, counters, pool);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    // ---- the handshake's count

    /** Counts the handshake as completed once the engine is done with it, the first time only. */
    private void countIfFinished() {
        if (!handshakeCounted && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
            handshakeCounted = true;
            counters.tlsHandshakeCompleted();
        }
    }

    /** The handshake ended before it finished: the engine failed (a certificate, an alert) or the peer left. */
    private void countIfUnfinished() {
        if (!handshakeCounted) {
            handshakeCounted = true;
            counters.tlsHandshakeFailed();
        }
    }

    // ---- input

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n;
        try {
            n = unwrapInto(dst);
        } catch (SSLException e) {
            countIfUnfinished();
            throw e;
        } finally {
            giveBackEmpty();
        }
        if (n < 0) {
            countIfUnfinished();
        } else if (!handshakeCounted) {
            countIfFinished();
        }
        return n;
    }

    private int unwrapInto(ByteBuffer dst) throws IOException {
        if (netIn == null) {
            netIn = pool.take(packetBytes);
        }
        int start = dst.position();
        for (int step = 0; step < MAX_STEPS && !inboundClosed; step++) {
            if (dst.remaining() < appBufferBytes) {
                break; // the caller takes what we have and comes back for the rest
            }
            SSLEngineResult r;
            netIn.flip();
            try {
                r = engine.unwrap(netIn, dst);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case CLOSED -> inboundClosed = true; // the peer's close_notify
                case BUFFER_OVERFLOW -> step = MAX_STEPS; // dst is full
                case BUFFER_UNDERFLOW -> {
                    if (!fill()) {
                        step = MAX_STEPS;
                    }
                }
                case OK -> {
                    advance(r.getHandshakeStatus());
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                            && engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP && !fill()) {
                        step = MAX_STEPS;
                    }
                }
            }
        }
        int produced = dst.position() - start;
        if (produced == 0 && (inboundClosed || eof && !hasBufferedInput())) {
            if (eof && !inboundClosed) {
                closeInbound();
            }
            return -1;
        }
        return produced;
    }

    /** Reads more of the socket into {@code netIn}; false if nothing came (none ready, or the end). */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (!netIn.hasRemaining()) {
            // A record bigger than our buffer: the engine's packet size grew (it may, for large records).
            int size = engine.getSession().getPacketBufferSize();
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, netIn.capacity() * 2));
            netIn.flip();
            bigger.put(netIn);
            pool.giveBack(netIn);
            netIn = bigger;
        }
        int n = lower.read(netIn);
        if (n < 0) {
            eof = true;
            return false;
        }
        return n > 0;
    }

    private void closeInbound() {
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // RFC 8446 §6.1: an end without close_notify may be a truncation; the WebSocket close handshake (or
            // its absence, reported as 1006) already says whether the messages were complete.
            LOG.log(System.Logger.Level.DEBUG, "TLS input ended without close_notify");
        }
    }

    @Override
    public boolean hasBufferedInput() {
        // A whole TLS record (5-byte header with its length, RFC 8446 §5.1) is waiting to be unwrapped.
        if (netIn == null) {
            return false;
        }
        int n = netIn.position();
        if (n < 5) {
            return false;
        }
        int length = ((netIn.get(3) & 0xFF) << 8) | (netIn.get(4) & 0xFF);
        return n >= 5 + length;
    }

    // ---- output

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long written;
        try {
            written = wrapFrom(srcs, offset, length);
        } catch (SSLException e) {
            countIfUnfinished();
            throw e;
        } finally {
            giveBackEmpty();
        }
        if (!handshakeCounted) {
            countIfFinished();
        }
        return written;
    }

    private long wrapFrom(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long consumed = 0;
        for (int step = 0; step < MAX_STEPS; step++) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK) {
                advance(hs);
                hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_WRAP) {
                    break; // netOut is full: wait until the socket takes it
                }
            }
            if (hs == HandshakeStatus.NEED_UNWRAP || !hasRemaining(srcs, offset, length)) {
                break;
            }
            if (!roomForRecord()) {
                break;
            }
            SSLEngineResult r = engine.wrap(srcs, offset, length, netOut);
            consumed += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS output closed");
            }
        }
        flushNet();
        return consumed;
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Does what the handshake needs that does not wait for the peer: delegated tasks, and wrapping handshake records
     * into {@code netOut} (writing it out when full).
     */
    private void advance(HandshakeStatus hs) throws IOException {
        for (int step = 0; step < MAX_STEPS; step++) {
            switch (hs) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    if (!roomForRecord()) {
                        return;
                    }
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return; // an alert or close_notify went out
                    }
                    hs = r.getHandshakeStatus();
                }
                default -> {
                    return; // FINISHED, NOT_HANDSHAKING, or waiting for the peer
                }
            }
        }
    }

    /** Borrows {@code netOut} if need be; true if it has room for another record, once written out if it had not. */
    private boolean roomForRecord() throws IOException {
        if (netOut == null) {
            netOut = pool.take(4 * packetBytes);
            netOutArray[0] = netOut;
        }
        return netOut.remaining() >= packetBytes || flushNet();
    }

    /** Writes {@code netOut} to the socket; true if it then has room for another record. */
    private boolean flushNet() throws IOException {
        if (netOut == null) {
            return true;
        }
        if (netOut.position() > 0) {
            netOut.flip();
            try {
                lower.write(netOutArray, 0, 1);
            } finally {
                netOut.compact();
            }
        }
        return netOut.remaining() >= packetBytes;
    }

    @Override
    public boolean wantsWritable(boolean appQueued) {
        // Records wait only if the layer below takes bytes now (a proxy's tunnel may not be open yet)
        boolean recordsWait = recordsWaiting()
                || appQueued && engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP;
        return recordsWait && lower.wantsWritable(true);
    }

    @Override
    public boolean flushAfterRead(boolean appQueued) {
        return recordsWaiting() || appQueued;
    }

    private boolean recordsWaiting() {
        return netOut != null && netOut.position() > 0;
    }

    @Override
    public boolean finishOutput() throws IOException {
        try {
            return closeNotify();
        } finally {
            giveBackEmpty();
        }
    }

    private boolean closeNotify() throws IOException {
        if (!outboundClosing) {
            outboundClosing = true;
            engine.closeOutbound();
        }
        for (int step = 0; step < MAX_STEPS && !engine.isOutboundDone(); step++) {
            if (!roomForRecord()) {
                return false;
            }
            engine.wrap(EMPTY, netOut); // close_notify (RFC 8446 §6.1)
        }
        flushNet();
        return !recordsWaiting() && lower.finishOutput();
    }

    @Override
    public void closed() {
        if (netIn != null) {
            pool.giveBack(netIn);
            netIn = null;
        }
        if (netOut != null) {
            pool.giveBack(netOut);
            netOut = null;
            netOutArray[0] = null;
        }
    }

    /**
     * Gives the record buffers back to the pool once they hold nothing: {@code netIn} unless a record arrived in part,
     * {@code netOut} unless the socket has not taken all of it.
     */
    private void giveBackEmpty() {
        if (netIn != null && netIn.position() == 0) {
            pool.giveBack(netIn);
            netIn = null;
        }
        if (netOut != null && netOut.position() == 0) {
            pool.giveBack(netOut);
            netOut = null;
            netOutArray[0] = null;
        }
    }

    /** How many record buffers this connection holds now: 0 while idle (for tests). */
    int heldBuffers() {
        return (netIn == null ? 0 : 1) + (netOut == null ? 0 : 1);
    }
}
