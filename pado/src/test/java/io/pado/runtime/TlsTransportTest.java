package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Random;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server side of {@link TlsTransport} over an in-memory socket, against the JDK's client {@code SSLEngine} driven
 * by the test: which record buffers a connection holds from the loop's {@link PacketPool}, and when.
 */
class TlsTransportTest {
    static SSLContext serverContext;
    static SSLContext clientContext;

    PacketPool pool;
    MemorySocket socket;
    TlsTransport server;
    SSLEngine client;
    /** Bytes the server wrote that the client has not unwrapped yet. */
    ByteBuffer fromServer = ByteBuffer.allocate(0);
    /** The loop's read buffer: big enough for any record's plain text. */
    final ByteBuffer readBuffer = ByteBuffer.allocate(256 << 10);

    @BeforeAll
    static void contexts() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "tls-transport-");
        var identity = TestCertificates.create(dir, "transport", "dns:localhost,ip:127.0.0.1");
        char[] password = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(identity.keyStore())) {
            store.load(in, password);
        }
        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);
    }

    @BeforeEach
    void open() throws Exception {
        pool = new PacketPool();
        socket = new MemorySocket();
        server = TlsTransport.server(socket, serverContext, new Counters("server"), pool);
        client = clientContext.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        client.beginHandshake();
        handshake();
    }

    @Test
    void anIdleConnectionHoldsNoRecordBufferAfterTheHandshakeAndAfterMessages() throws Exception {
        assertThat(server.heldBuffers()).isZero();
        assertThat(pool.lentCount()).isZero();

        byte[] hello = "hello over tls".getBytes();
        socket.deliver(clientWrap(hello));
        assertThat(serverRead()).isEqualTo(hello);
        assertThat(server.heldBuffers()).isZero();

        server.write(new ByteBuffer[] {ByteBuffer.wrap(hello)}, 0, 1);
        assertThat(clientUnwrap(socket.takeWritten())).isEqualTo(hello);
        assertThat(server.heldBuffers()).isZero();
        assertThat(pool.lentCount()).isZero();
        assertThat(pool.idleCount()).isPositive(); // lent while bytes moved, kept for the next connection
    }

    @Test
    void aRecordSplitAcrossManyReadsIsKeptUntilItIsWholeThenItsBufferGoesBack() throws Exception {
        var random = new Random(22);
        byte[] message = new byte[12_000];
        random.nextBytes(message);
        byte[] record = clientWrap(message);
        int at = 0;
        int reads = 0;
        while (at < record.length) {
            int n = Math.min(1 + random.nextInt(13), record.length - at);
            socket.deliver(Arrays.copyOfRange(record, at, at + n));
            at += n;
            reads++;
            byte[] got = serverRead();
            if (at < record.length) {
                assertThat(got).as("plain text before the record's last byte (read %d)", reads).isEmpty();
                assertThat(server.heldBuffers()).as("the partial record is kept").isEqualTo(1);
                assertThat(pool.lentCount()).isEqualTo(1);
            } else {
                assertThat(got).isEqualTo(message);
            }
        }
        assertThat(reads).isGreaterThan(1000);
        assertThat(server.heldBuffers()).isZero();
        assertThat(pool.lentCount()).isZero();
    }

    @Test
    void aRecordAndAPartOfTheNextKeepOnlyThePart() throws Exception {
        byte[] first = clientWrap("first".getBytes());
        byte[] second = clientWrap("second".getBytes());
        byte[] both = new byte[first.length + 3];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, 3);
        socket.deliver(both);
        assertThat(new String(serverRead())).isEqualTo("first");
        assertThat(server.heldBuffers()).isEqualTo(1);
        assertThat(server.hasBufferedInput()).isFalse(); // three bytes are no whole record

        socket.deliver(Arrays.copyOfRange(second, 3, second.length));
        assertThat(new String(serverRead())).isEqualTo("second");
        assertThat(server.heldBuffers()).isZero();
    }

    @Test
    void recordsTheSocketDidNotTakeAreKeptUntilItDoes() throws Exception {
        byte[] big = new byte[40_000];
        new Random(7).nextBytes(big);
        socket.acceptBytes(1000);
        ByteBuffer src = ByteBuffer.wrap(big);
        long taken = server.write(new ByteBuffer[] {src}, 0, 1);
        assertThat(taken).isPositive();
        assertThat(server.heldBuffers()).isEqualTo(1);
        assertThat(server.wantsWritable(false)).isTrue();

        socket.acceptBytes(Integer.MAX_VALUE);
        while (src.hasRemaining() || server.wantsWritable(false)) {
            server.write(new ByteBuffer[] {src}, 0, 1);
        }
        assertThat(clientUnwrap(socket.takeWritten())).isEqualTo(big);
        assertThat(server.heldBuffers()).isZero();
        assertThat(pool.lentCount()).isZero();
    }

    @Test
    void closingGivesBackWhatAConnectionHeld() throws Exception {
        byte[] record = clientWrap("cut short".getBytes());
        socket.deliver(Arrays.copyOf(record, 10));
        assertThat(serverRead()).isEmpty();
        assertThat(pool.lentCount()).isEqualTo(1);
        server.closed();
        assertThat(server.heldBuffers()).isZero();
        assertThat(pool.lentCount()).isZero();
    }

    // ---- the client's side, driven by hand

    private void handshake() throws Exception {
        for (int step = 0; step < 100; step++) {
            HandshakeStatus hs = client.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                for (Runnable task; (task = client.getDelegatedTask()) != null; ) {
                    task.run();
                }
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                socket.deliver(clientWrap(new byte[0]));
            } else if (hs == HandshakeStatus.NEED_UNWRAP) {
                serverRead();
                server.write(new ByteBuffer[0], 0, 0); // what the server's handshake has to say
                byte[] fromServer = socket.takeWritten();
                if (fromServer.length > 0) {
                    clientUnwrap(fromServer);
                }
            } else {
                serverRead();
                assertThat(server.flushAfterRead(false)).as("the session ticket waits to be written").isTrue();
                server.write(new ByteBuffer[0], 0, 0); // as the link does after a read that wrapped records
                assertThat(server.heldBuffers()).isZero();
                return;
            }
        }
        throw new AssertionError("handshake did not finish");
    }

    private byte[] clientWrap(byte[] plain) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(plain.length + 64 * 1024);
        client.wrap(ByteBuffer.wrap(plain), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /**
     * Unwraps what the server wrote, after what was left of it before; whatever the client's handshake has to say
     * meanwhile goes to the server.
     */
    private byte[] clientUnwrap(byte[] records) throws Exception {
        fromServer = ByteBuffer.allocate(fromServer.remaining() + records.length).put(fromServer).put(records).flip();
        ByteBuffer plain = ByteBuffer.allocate(records.length + 64 * 1024);
        for (int step = 0; step < 1000 && fromServer.hasRemaining(); step++) {
            HandshakeStatus hs = client.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                for (Runnable task; (task = client.getDelegatedTask()) != null; ) {
                    task.run();
                }
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                socket.deliver(clientWrap(new byte[0]));
            } else if (client.unwrap(fromServer, plain).bytesConsumed() == 0) {
                break; // a partial record: the rest comes later
            }
        }
        return Arrays.copyOf(plain.array(), plain.position());
    }

    /** What the server reads, as the loop would read it: until the socket has nothing more. */
    private byte[] serverRead() throws Exception {
        var plain = new ByteArrayOutputStream();
        for (int step = 0; step < 100_000; step++) {
            int n = server.read(readBuffer.clear());
            if (n > 0) {
                plain.write(readBuffer.array(), 0, n);
            } else if (socket.delivered()) {
                break;
            }
        }
        return plain.toByteArray();
    }
}
