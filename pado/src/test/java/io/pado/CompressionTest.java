package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** permessage-deflate (RFC 7692) end to end: pado with itself, a hand-made peer, Jetty, and broadcasts. */
class CompressionTest {
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    /** 4 MiB messages, compressed with {@code memory}. */
    private static ConnectionOptions big(Compression compression) {
        return ConnectionOptions.builder().maxMessageBytes(4 << 20).compression(compression).build();
    }

    private static Compression deflate(Compression.Memory memory) {
        return Compression.DEFAULT.withMemory(memory);
    }

    private static String compressible(int bytes) {
        var text = new StringBuilder();
        for (int i = 0; text.length() < bytes; i++) {
            text.append("파도 wave ").append(i % 17).append(' ');
        }
        return text.toString();
    }

    private static Server echoServer(Compression.Memory memory, List<WebSocket> opened) throws Exception {
        return Server.create(ServerOptions.builder().connection(big(deflate(memory))).build())
                .endpoint("/echo", new Echo() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        opened.add(ws);
                    }
                })
                .start();
    }

    /** Records received texts; answers nothing. */
    static final class Inbox implements Handler {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();

        @Override
        public void onText(WebSocket ws, String text) {
            texts.add(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            binaries.add(data);
        }

        String nextText() throws InterruptedException {
            String text = texts.poll(10, TimeUnit.SECONDS);
            assertThat(text).as("a text message within 10 s").isNotNull();
            return text;
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.Memory.class)
    void padoClientAndServerCompressInEveryMode(Compression.Memory serverMemory) throws Exception {
        for (Compression.Memory clientMemory : Compression.Memory.values()) {
            try (Server server = echoServer(serverMemory, new CopyOnWriteArrayList<>());
                 Client client = Client.create(ClientOptions.builder()
                         .connection(big(deflate(clientMemory))).build())) {
                var inbox = new Inbox();
                WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), inbox)
                        .get(10, TimeUnit.SECONDS);
                assertThat(ws.handshakeHeaders().first("Sec-WebSocket-Extensions")).hasValueSatisfying(
                        v -> assertThat(v).startsWith("permessage-deflate"));
                String big = compressible(1 << 20);
                for (String text : List.of("small", big, "파도 " + big.substring(0, 5000), big)) {
                    ws.sendText(text);
                    assertThat(inbox.nextText()).isEqualTo(text);
                }
                byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
                ws.sendBinary(ByteBuffer.wrap(bytes));
                ByteBuffer echoed = inbox.binaries.poll(10, TimeUnit.SECONDS);
                assertThat(echoed).isEqualTo(ByteBuffer.wrap(bytes));
                ws.close(1000, "done").get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aHandMadePeerSeesCompressedFramesBothWays() throws Exception {
        try (Server server = echoServer(Compression.Memory.POOLED, new CopyOnWriteArrayList<>());
             RawSocket raw = RawSocket.connect(server.port())) {
            raw.write(RawSocket.upgradeRequest("/echo",
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"));
            String head = raw.readHead();
            assertThat(head).startsWith("HTTP/1.1 101").contains("permessage-deflate; server_no_context_takeover");
            String text = compressible(20_000);
            raw.write(RawSocket.frame(0xC1, deflateRaw(text.getBytes(StandardCharsets.UTF_8))));
            RawSocket.Frame echo = raw.readFrame();
            assertThat(echo.rsv1()).isTrue();
            assertThat(echo.payload().length).isLessThan(text.length() / 4);
            assertThat(new String(inflateRaw(echo.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
        }
    }

    @Test
    void broadcastIsCompressedOnceForCompressingPeersAndPlainForOthers() throws Exception {
        var opened = new CopyOnWriteArrayList<WebSocket>();
        try (Server server = echoServer(Compression.Memory.POOLED, opened);
             RawSocket raw = RawSocket.connect(server.port());
             Client client = Client.create(ClientOptions.builder()
                     .connection(big(deflate(Compression.Memory.POOLED))).build())) {
            raw.write(RawSocket.upgradeRequest("/echo",
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            var padoInbox = new Inbox();
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), padoInbox)
                    .get(10, TimeUnit.SECONDS);
            var jdkListener = new JdkListener();
            var jdk = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), jdkListener)
                    .get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (opened.size() < 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // waiting for a condition, bounded by the deadline
            }
            assertThat(opened).hasSize(3);

            String text = compressible(50_000);
            assertThat(server.broadcast(opened, text)).isEqualTo(3);

            RawSocket.Frame frame = raw.readFrame();
            assertThat(frame.rsv1()).as("compressed for the deflate peer").isTrue();
            assertThat(new String(inflateRaw(frame.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
            assertThat(padoInbox.nextText()).isEqualTo(text);
            assertThat(jdkListener.next(String.class)).as("plain for the JDK client").isEqualTo(text);
            jdk.abort();
        }
    }

    /** 10: the client first offers server_max_window_bits=10, then the plain offer; either answer must work. */
    @ParameterizedTest
    @ValueSource(ints = {15, 10})
    void padoClientCompressesWithJettyServer(int serverWindowBitsToAsk) throws Exception {
        var jetty = new org.eclipse.jetty.server.Server();
        var connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(4 << 20);
            container.addMapping("/echo", (request, response, callback) -> new JettyInteropTest.JettyEcho());
        }));
        jetty.start();
        var deflate = Compression.DEFAULT.withMemory(Compression.Memory.CONTEXT_TAKEOVER)
                .withServerWindowBitsToAsk(serverWindowBitsToAsk);
        try (Client client = Client.create(ClientOptions.builder().connection(big(deflate)).build())) {
            var inbox = new Inbox();
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/echo"), inbox)
                    .get(10, TimeUnit.SECONDS);
            assertThat(ws.handshakeHeaders().first("Sec-WebSocket-Extensions"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("permessage-deflate"));
            for (String text : List.of(compressible(300_000), "short", compressible(300_000))) {
                ws.sendText(text);
                assertThat(inbox.nextText()).isEqualTo(text);
            }
        } finally {
            jetty.stop();
        }
    }

    @Test
    void jettyClientCompressesWithPadoServer() throws Exception {
        var jetty = new WebSocketClient();
        jetty.setMaxTextMessageSize(4 << 20);
        jetty.start();
        try (Server server = echoServer(Compression.Memory.CONTEXT_TAKEOVER, new CopyOnWriteArrayList<>())) {
            var listener = new JettyInbox();
            var texts = listener.texts;
            var request = new ClientUpgradeRequest();
            request.addExtensions("permessage-deflate");
            CompletableFuture<Session> connecting = jetty.connect(listener,
                    URI.create("ws://127.0.0.1:" + server.port() + "/echo"), request);
            Session session = connecting.get(10, TimeUnit.SECONDS);
            assertThat(session.getUpgradeResponse().getExtensions()).anySatisfy(
                    e -> assertThat(e.getName()).isEqualTo("permessage-deflate"));
            for (String text : List.of(compressible(300_000), "short", compressible(100_000))) {
                session.sendText(text, Callback.NOOP);
                assertThat(texts.poll(10, TimeUnit.SECONDS)).isEqualTo(text);
            }
            session.close();
        } finally {
            jetty.stop();
        }
    }

    /** Jetty calls listeners through method handles: the class must be public. */
    public static final class JettyInbox implements Session.Listener.AutoDemanding {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();

        @Override
        public void onWebSocketText(String message) {
            texts.add(message);
        }
    }

    private static byte[] deflateRaw(byte[] data) {
        var deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, n);
        }
        deflater.end();
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - TAIL.length);
    }

    private static byte[] inflateRaw(byte[] data) throws Exception {
        var inflater = new Inflater(true);
        inflater.setInput(concat(data, TAIL));
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = inflater.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        inflater.end();
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
