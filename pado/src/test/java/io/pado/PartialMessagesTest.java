package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Messages received in parts ({@link ConnectionOptions#partialMessages()}): larger than a whole message may be, from
 * the JDK's client and from pado's, compressed or not, on both dispatches; limits and a handler without the part
 * callbacks still end the connection with the right code.
 */
class PartialMessagesTest {

    /** Digests each message as its parts arrive and answers "parts=P bytes=N sha=..." when the last one came. */
    static final class Digesting implements Handler {
        final CompletableFuture<String> summary = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final MessageDigest digest = sha256();
        private long bytes;
        private int parts;
        private int lastParts;

        @Override
        public void onTextPart(WebSocket ws, String part, boolean last) {
            byte[] utf8 = part.getBytes(StandardCharsets.UTF_8);
            // A part ends on a code point boundary: re-encoding it gives back exactly the bytes that came
            add(ws, ByteBuffer.wrap(utf8), last);
        }

        @Override
        public void onBinaryPart(WebSocket ws, ByteBuffer part, boolean last) {
            assertThat(part.isReadOnly()).isTrue();
            add(ws, part, last);
        }

        private void add(WebSocket ws, ByteBuffer part, boolean last) {
            parts++;
            bytes += part.remaining();
            digest.update(part);
            if (last) {
                lastParts++;
                String line = "parts=" + parts + " bytes=" + bytes + " sha=" + hex(digest.digest()) + " last="
                        + lastParts;
                summary.complete(line);
                if (ws.isOpen()) {
                    ws.sendText(line);
                }
                parts = 0;
                bytes = 0;
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
        }
    }

    static Server server(Dispatch dispatch, Handler handler, long maxMessageBytes, int maxFrameBytes)
            throws Exception {
        return Server.create(ServerOptions.builder().eventLoops(1)
                        .connection(c -> c.dispatch(dispatch).partialMessages(true)
                                .maxMessageBytes(maxMessageBytes).maxFrameBytes(maxFrameBytes)
                                .compression(Compression.DEFAULT))
                        .build())
                .endpoint("/in", handler)
                .start();
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void aBinaryMessageAboveTheWholeMessageLimitStreamsThroughFromTheJdkClient(Dispatch dispatch) throws Exception {
        byte[] message = random(8 << 20, 1);
        var handler = new Digesting();
        // 3 GiB: more than a whole message may be, which only parts allow
        try (Server server = server(dispatch, handler, 3L << 30, 1 << 20)) {
            var listener = new JdkListener();
            java.net.http.WebSocket jdk = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/in"), listener)
                    .get(10, TimeUnit.SECONDS);
            int fragment = 64 << 10;
            for (int at = 0; at < message.length; at += fragment) {
                boolean last = at + fragment >= message.length;
                jdk.sendBinary(ByteBuffer.wrap(message, at, Math.min(fragment, message.length - at)), last)
                        .get(10, TimeUnit.SECONDS);
            }
            String reply = (String) listener.next();
            assertThat(reply).endsWith(" bytes=" + message.length + " sha=" + hex(sha256().digest(message))
                    + " last=1");
            assertThat(parts(reply)).as("one part per fragment at least").isGreaterThanOrEqualTo(128);
            jdk.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertThat(handler.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void aLargeTextFrameArrivesInPartsThatEndOnCodePoints(Dispatch dispatch) throws Exception {
        // 2- 3- and 4-byte sequences, so that socket reads end inside code points
        String text = "파도 wave ~ é ~ 🌊 ".repeat(120_000);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        var handler = new Digesting();
        try (Server server = server(dispatch, handler, 64 << 20, 8 << 20);
                Client client = Client.create(ClientOptions.DEFAULT)) {
            var recorder = new Recorder();
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/in"), recorder)
                    .get(10, TimeUnit.SECONDS);
            ws.sendText(text).get(10, TimeUnit.SECONDS);
            String reply = recorder.await(Recorder.Text.class).text();
            assertThat(reply).endsWith(" bytes=" + utf8.length + " sha=" + hex(sha256().digest(utf8)) + " last=1");
            assertThat(parts(reply)).as("a %d-byte frame read in pieces", utf8.length).isGreaterThan(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void aClientReceivesACompressedMessageInParts(Dispatch dispatch) throws Exception {
        byte[] message = new byte[6 << 20];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) ("pado streams big messages; ".charAt(i % 27));
        }
        Handler sender = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendBinary(ByteBuffer.wrap(message));
            }
        };
        var options = ServerOptions.builder().eventLoops(1)
                .connection(c -> c.maxMessageBytes(8 << 20).compression(Compression.DEFAULT)).build();
        var clientOptions = ClientOptions.builder()
                .connection(c -> c.dispatch(dispatch).partialMessages(true).maxMessageBytes(8 << 20)
                        .compression(Compression.DEFAULT))
                .build();
        var handler = new Digesting();
        try (Server server = Server.create(options).endpoint("/out", sender).start();
                Client client = Client.create(clientOptions)) {
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/out"), handler)
                    .get(10, TimeUnit.SECONDS);
            assertThat(ws.handshakeHeaders().first("Sec-WebSocket-Extensions")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("permessage-deflate"));
            ws.sendText("send it");
            String summary = handler.summary.get(20, TimeUnit.SECONDS);
            assertThat(summary).endsWith(" bytes=" + message.length + " sha=" + hex(sha256().digest(message))
                    + " last=1");
            assertThat(parts(summary)).isGreaterThan(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void partsBeyondTheMessageLimitFailWith1009(Dispatch dispatch) throws Exception {
        var handler = new Digesting();
        try (Server server = server(dispatch, handler, 1 << 20, 64 << 10)) {
            var listener = new JdkListener();
            java.net.http.WebSocket jdk = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/in"), listener)
                    .get(10, TimeUnit.SECONDS);
            byte[] fragment = random(32 << 10, 2);
            // 1 MiB and one fragment more, never the last: the limit counts the whole message, not a part
            for (int i = 0; i <= 32; i++) {
                jdk.sendBinary(ByteBuffer.wrap(fragment), false).get(10, TimeUnit.SECONDS);
            }
            assertThat(listener.next()).isEqualTo(new JdkListener.Close(1009, "message too big"));
            assertThat(handler.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
            assertThat(handler.summary).as("no last part for a message that failed").isNotDone();
        }
    }

    @Test
    void aHandlerWithoutPartCallbacksIsClosedWith1011() throws Exception {
        try (Server server = server(Dispatch.VIRTUAL_THREADS, new Echo(), 1 << 20, 1 << 20);
                Client client = Client.create(ClientOptions.DEFAULT)) {
            var recorder = new Recorder();
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/in"), recorder)
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("hello");
            assertThat(recorder.awaitClose().code()).isEqualTo(1011);
        }
    }

    @Test
    void wholeMessagesAboveAboutTwoGibibytesNeedParts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ConnectionOptions.builder().maxMessageBytes(3L << 30).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partialMessages(true)");
        var streaming = ConnectionOptions.builder().maxMessageBytes(3L << 30).partialMessages(true).build();
        assertThat(streaming.maxFrameBytes()).isEqualTo(Integer.MAX_VALUE);
        assertThat(streaming.toBuilder().maxMessageBytes(1 << 20).build().maxFrameBytes())
                .as("a default frame limit follows the message limit").isEqualTo(1 << 20);
    }

    private static int parts(String summary) {
        return Integer.parseInt(summary.substring("parts=".length(), summary.indexOf(' ')));
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
