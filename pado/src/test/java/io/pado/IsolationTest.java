package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad input never crashes or stalls the server: the bad connection goes away, the others carry on. */
class IsolationTest {

    @Test
    void badPeersGetTheirStatusOrCloseCodeWhileAGoodOneKeepsEchoing() throws Exception {
        try (var server = Server.create(ServerOptions.builder().eventLoops(1).build()).endpoint("/echo", new Echo())
                .start()) {
            var listener = new JdkListener();
            var good = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), listener).join();
            int n = 0;

            try (var raw = RawSocket.connect(server.port())) { // not HTTP at all
                raw.write("\u0000\u0001garbage\r\n\r\n");
                assertThat(raw.readHead()).startsWith("HTTP/1.1 400");
                assertThat(raw.awaitEof()).isTrue();
            }
            good.sendText("m" + n, true).join();
            assertThat(listener.next()).isEqualTo("m" + n++);

            try (var raw = RawSocket.open(server.port(), "/echo")) { // RFC 6455 §5.1: unmasked client frame
                raw.write(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
                assertThat(raw.readFrame().closeCode()).isEqualTo(1002);
                assertThat(raw.awaitEof()).isTrue();
            }
            good.sendText("m" + n, true).join();
            assertThat(listener.next()).isEqualTo("m" + n++);

            try (var raw = RawSocket.open(server.port(), "/echo")) { // RFC 6455 §8.1: invalid UTF-8
                raw.write(RawSocket.frame(0x81, new byte[] {(byte) 0xC3, 0x28}));
                assertThat(raw.readFrame().closeCode()).isEqualTo(1007);
                assertThat(raw.awaitEof()).isTrue();
            }
            good.sendText("m" + n, true).join();
            assertThat(listener.next()).isEqualTo("m" + n++);

            var random = new Random(99);
            for (int round = 0; round < 20; round++) { // random bytes after a good handshake
                try (var raw = RawSocket.open(server.port(), "/echo")) {
                    byte[] junk = new byte[random.nextInt(1, 4096)];
                    random.nextBytes(junk);
                    try {
                        raw.write(junk);
                        raw.socket.shutdownOutput();
                    } catch (java.io.IOException e) {
                        // the server may already have failed the connection and reset it: also fine
                    }
                    assertThat(raw.awaitEof()).as("round " + round).isTrue();
                }
                good.sendText("m" + n, true).join();
                assertThat(listener.next()).isEqualTo("m" + n++);
            }
        }
    }
}
