package io.pado.bench.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What every soak connection shares: a non-blocking socket on the client's one selector, TLS over it in the
 * {@code wss://} mode, an input buffer that grows to the frame being read and shrinks back, an output buffer that
 * exists only while the socket is full, and the opening handshake. Subclasses say what to send and what to expect.
 * Client thread only.
 */
abstract class Peer {
    static final String KEY = Base64.getEncoder()
            .encodeToString("pado-soak-key-16".getBytes(StandardCharsets.US_ASCII));
    static final String ACCEPT = accept(KEY);
    private static final int SMALL_INPUT = 2048;

    final SocketChannel channel;
    /** TLS over the socket, or null for ws://. */
    final SoakTls.Pipe tls;
    /** The TLS handshake is over and {@link #connected} was called (always true without TLS once connected). */
    private boolean transportUp;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(SMALL_INPUT);
    /** Bytes the socket did not take yet, flipped (remaining = still to write); null when none. */
    private ByteBuffer pending;
    final long startNanos;
    boolean upgraded;
    boolean finished;

    Peer(SocketChannel channel, SoakTls.Pipe tls, long startNanos) {
        this.channel = channel;
        this.tls = tls;
        this.startNanos = startNanos;
    }

    static SocketChannel connect(Selector selector, int port, Peer peer, int receiveBufferBytes) throws IOException {
        SocketChannel channel = peer.channel;
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (receiveBufferBytes > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
        }
        boolean connected = channel.connect(new InetSocketAddress("127.0.0.1", port));
        peer.key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, peer);
        if (connected) {
            peer.tcpUp();
        }
        return channel;
    }

    /** The upgrade request this peer sends, or null if it sends something else first. */
    String upgradeRequest(int port, boolean deflate) {
        return "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; "
                        + "server_no_context_takeover\r\n" : "")
                + "\r\n";
    }

    final void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                channel.finishConnect();
                k.interestOps(SelectionKey.OP_READ);
                tcpUp();
                return;
            }
            if (k.isWritable()) {
                flush();
            }
            if (!finished && k.isValid() && k.isReadable()) {
                read();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    /** TCP is up: starts TLS, or says the transport is up. */
    void tcpUp() throws IOException {
        if (tls == null) {
            transportUp = true;
            connected();
        } else {
            writeRaw(tls.handshakeOutput()); // the ClientHello
        }
    }

    /** The transport is up (TCP, and TLS in wss mode): the opening handshake can start. */
    abstract void connected() throws IOException;

    /** Whether input bypasses TLS (a client that stalls inside the TLS handshake reads raw bytes). */
    boolean rawInput() {
        return false;
    }

    /** The socket failed (a reset, typically). */
    abstract void failed(IOException e);

    /** Bytes arrived in {@link #in} (in write mode). */
    abstract void received() throws IOException;

    /** The peer closed its side. */
    abstract void ended() throws IOException;

    /** Called every loop iteration: timers. */
    void tick(long now) {
    }

    private void read() throws IOException {
        if (tls != null && !rawInput()) {
            readTls();
            return;
        }
        if (!in.hasRemaining()) {
            grow(in.capacity() * 2);
        }
        int n = channel.read(in);
        if (n < 0) {
            ended();
            return;
        }
        if (n > 0) {
            received();
        }
    }

    /** Reads records, advances the TLS handshake, and hands what application bytes they held to the subclass. */
    private void readTls() throws IOException {
        int n = channel.read(tls.netIn());
        int before = in.position();
        // Each round unwraps a record or stops; the bound only guards against an engine that makes no progress.
        for (int round = 0; round < 100_000 && !finished && tls.unwrap(in, () -> grow(in.capacity() * 2)); round++) {
            writeRaw(tls.handshakeOutput());
            upIfHandshaken();
        }
        if (finished) {
            return;
        }
        writeRaw(tls.handshakeOutput());
        upIfHandshaken();
        if (!finished && in.position() > before) {
            received();
        }
        if (!finished && (n < 0 || tls.inboundClosed())) {
            ended();
        }
    }

    private void upIfHandshaken() throws IOException {
        if (!transportUp && !finished && !tls.handshaking()) {
            transportUp = true;
            connected();
        }
    }

    /** Makes room for at least {@code bytes} in the input buffer, keeping its content. */
    final void grow(int bytes) {
        if (in.capacity() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(bytes);
            in.flip();
            bigger.put(in);
            in = bigger;
        }
    }

    /** After parsing: drop consumed bytes; give a big buffer back once it is empty. */
    final void compactInput() {
        in.compact();
        if (in.position() == 0 && in.capacity() > SMALL_INPUT) {
            in = ByteBuffer.allocate(SMALL_INPUT);
        }
    }

    /** Writes {@code bytes} (flipped, read fully) now, through TLS in wss mode; keeps what the socket does not take. */
    final void write(ByteBuffer bytes) throws IOException {
        writeRaw(tls == null ? bytes : tls.wrap(bytes));
    }

    /** Writes {@code bytes} to the socket as they are (TLS records, or plain bytes). */
    final void writeRaw(ByteBuffer bytes) throws IOException {
        if (!bytes.hasRemaining()) {
            return;
        }
        if (pending == null) {
            channel.write(bytes);
            if (!bytes.hasRemaining()) {
                return;
            }
            pending = ByteBuffer.allocate(Math.max(bytes.remaining(), 4096)).put(bytes).flip();
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            return;
        }
        ByteBuffer more = ByteBuffer.allocate(pending.remaining() + bytes.remaining());
        pending = more.put(pending).put(bytes).flip();
    }

    final void write(String ascii) throws IOException {
        write(ByteBuffer.wrap(ascii.getBytes(StandardCharsets.ISO_8859_1)));
    }

    final long pendingBytes() {
        return pending == null ? 0 : pending.remaining();
    }

    void flush() throws IOException {
        if (pending != null) {
            channel.write(pending);
            if (!pending.hasRemaining()) {
                pending = null;
            }
        }
        if (pending == null && key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
    }

    /**
     * Looks for the end of the response head in {@link #in}; returns the head and leaves what follows in {@code in},
     * or returns null if the head is not complete yet.
     */
    final String takeHead() {
        byte[] a = in.array();
        int n = in.position();
        for (int i = 3; i < n; i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                String head = new String(a, 0, i + 1, StandardCharsets.ISO_8859_1);
                in.flip().position(i + 1);
                in.compact();
                return head;
            }
        }
        return null;
    }

    /** Whether {@code head} is a valid 101 answer to our key (RFC 6455 §4.1). */
    static boolean upgraded(String head) {
        return head.startsWith("HTTP/1.1 101") && head.contains(ACCEPT);
    }

    final void closeChannel() {
        finished = true;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket that already failed: nothing left to learn from it
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
