package io.pado.protocol;

import static io.pado.protocol.Chunks.ascii;
import static io.pado.protocol.RawFrame.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The engine's CONNECTING state: HTTP requests on the server, the upgrade, and the client's side of it. */
class OpeningTest {
    private static final int KEY = 0x11223344;
    static final String UPGRADE = RequestParserTest.SAMPLE;

    /** Feeds {@code text} to {@code c} the way a runtime does, in pieces of {@code step} bytes; returns the events. */
    static List<Event> feed(Connection c, byte[] bytes, int step) {
        var events = new ArrayList<Event>();
        for (int at = 0; at < bytes.length; at += step) {
            ByteBuffer in = ByteBuffer.wrap(bytes, at, Math.min(step, bytes.length - at)).slice();
            do {
                c.receive(in);
                for (Event e; (e = c.pollEvent()) != null; ) {
                    events.add(Engine.copy(e));
                }
            } while (in.hasRemaining() || c.hasWaitingInput() && events.isEmpty());
        }
        return events;
    }

    static String output(Connection c) {
        var out = new StringBuilder();
        for (ByteBuffer b; (b = c.pollOutput()) != null; ) {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.append(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return out.toString();
    }

    static String body(Event.Request r) {
        return StandardCharsets.UTF_8.decode(r.body().duplicate()).toString();
    }

    @Nested
    class PlainRequests { // RFC 9112
        @Test
        void aRequestIsAnsweredAndTheNextOneIsReadOnTheSameConnection() {
            for (int step : new int[] {1, 7, 10_000}) {
                Connection server = Connection.server(EngineOptions.DEFAULT);
                byte[] two = ascii("GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n");
                List<Event> events = feed(server, two, step);
                assertThat(events).hasSize(1).first().isInstanceOfSatisfying(Event.Request.class,
                        r -> assertThat(r.head().target()).isEqualTo("/a"));
                // The second (pipelined) request waits for the first answer
                assertThat(server.hasWaitingInput()).isFalse();
                server.respond(200, Headers.of("Content-Type", "text/plain"), ascii("hello"),
                        Persistence.KEEP_ALIVE);
                assertThat(output(server)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 5\r\n\r\nhello");
                assertThat(server.hasWaitingInput()).isTrue();
                server.receive(ByteBuffer.allocate(0));
                Event second = server.pollEvent();
                assertThat(second).isInstanceOfSatisfying(Event.Request.class,
                        r -> assertThat(r.head().method()).isEqualTo("HEAD"));
                server.respond(200, Headers.of(), ascii("hello"), Persistence.CLOSE);
                assertThat(output(server)).as("no body for HEAD, and the end announced")
                        .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
                assertThat(server.tcpCloseDue()).isTrue();
            }
        }

        @Test
        void aBodyIsReadByContentLength() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            List<Event> events = feed(server, ascii("POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
                    + "hello world"), 3);
            assertThat(events).singleElement().isInstanceOfSatisfying(Event.Request.class,
                    r -> assertThat(body(r)).isEqualTo("hello world"));
        }

        @Test
        void aChunkedBodyIsDecodedAndTrailersDropped() {
            String request = "POST /send HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nGET /next HTTP/1.1\r\n\r\n";
            for (int step : new int[] {1, 5, 1000}) {
                Connection server = Connection.server(EngineOptions.DEFAULT);
                List<Event> events = feed(server, ascii(request), step);
                assertThat(events).singleElement().isInstanceOfSatisfying(Event.Request.class,
                        r -> assertThat(body(r)).isEqualTo("hello world"));
                assertThat(server.hasWaitingInput()).isFalse(); // until answered
            }
        }

        @Test
        void aClientThatExpectsContinueGetsIt() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            assertThat(feed(server, ascii("POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                    + "Expect: 100-continue\r\n\r\n"), 100)).isEmpty();
            assertThat(output(server)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            assertThat(feed(server, ascii("ok"), 100)).hasSize(1);
        }

        @Test
        void badBodiesAreRefusedWithTheRightStatus() {
            assertRefused("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
            assertRefused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
            assertRefused("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 400);
            assertRefused("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
            assertRefused("POST / HTTP/1.1\r\nContent-Length: " + ((1 << 20) + 1) + "\r\n\r\n", 413);
            assertRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400);
            assertRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", 413);
            assertRefused("POST / HTTP/1.1\r\nContent-Length: 1\r\nExpect: telepathy\r\n\r\n", 417);
            assertRefused("GET / HTTP/2.0\r\n\r\n", 505);
            assertRefused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
        }

        @Test
        void aRequestThatEnclosesContentWithoutSayingHowLongGets411AndTheConnectionEnds() { // RFC 9110 §15.5.12
            for (String method : List.of("POST", "PUT", "PATCH")) {
                assertRefused(method + " /send HTTP/1.1\r\nHost: x\r\n\r\nroom=a&text=b", 411);
            }
            Connection server = Connection.server(EngineOptions.DEFAULT);
            feed(server, ascii("POST /send HTTP/1.1\r\nHost: x\r\n\r\n"), 1000);
            assertThat(output(server)).as("a readable answer").startsWith("HTTP/1.1 411 Length Required\r\n")
                    .endsWith("POST without Content-Length or Transfer-Encoding: chunked\n");
        }

        @Test
        void aPostWithAnEmptyBodySaysSoAndOtherMethodsNeedNoLength() {
            for (String request : List.of("POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                    "DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")) {
                Connection server = Connection.server(EngineOptions.DEFAULT);
                assertThat(feed(server, ascii(request), 1000)).as(request).singleElement()
                        .isInstanceOfSatisfying(Event.Request.class, r -> assertThat(r.body().remaining()).isZero());
            }
        }

        private void assertRefused(String request, int status) {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            List<Event> events = feed(server, ascii(request), 1000);
            assertThat(events).as(request).singleElement().isInstanceOfSatisfying(Event.Refused.class,
                    r -> assertThat(r.cause().status()).isEqualTo(status));
            assertThat(output(server)).startsWith("HTTP/1.1 " + status + " ").contains("Connection: close");
            assertThat(server.tcpCloseDue()).isTrue();
            assertThat(server.state()).isEqualTo(Connection.State.CLOSED);
        }

        @Test
        void http10AndConnectionCloseEndTheConnectionAfterTheAnswer() {
            for (String request : List.of("GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")) {
                Connection server = Connection.server(EngineOptions.DEFAULT);
                assertThat(feed(server, ascii(request), 100)).hasSize(1);
                server.respond(204, Headers.of(), new byte[0], Persistence.KEEP_ALIVE);
                assertThat(output(server)).contains("Connection: close\r\n");
                assertThat(server.tcpCloseDue()).isTrue();
            }
        }

        @Test
        void tooMuchSentAheadOfTheAnswersEndsTheConnectionAfterTheCurrentAnswer() {
            Connection server = Connection.server(EngineOptions.DEFAULT.withMaxBodyBytes(100).withMaxHeadBytes(200));
            assertThat(feed(server, ascii("GET / HTTP/1.1\r\n\r\n"), 100)).hasSize(1);
            server.receive(ByteBuffer.wrap(new byte[5000]));
            server.respond(200, Headers.of(), new byte[0], Persistence.KEEP_ALIVE);
            assertThat(output(server)).contains("Connection: close");
            assertThat(server.tcpCloseDue()).isTrue();
        }

        @Test
        void answersAreRefusedWhenNoRequestWaits() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            assertThatThrownBy(() -> server.respond(200, Headers.of(), new byte[0],
                    Persistence.KEEP_ALIVE)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> server.accept(Optional.empty(), List.of(), Headers.of()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Upgrades { // RFC 6455 §4.2
        @Test
        void anAcceptedUpgradeOpensTheWebSocketAndReadsTheFramesThatCameWithIt() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            byte[] input = concat(ascii(UPGRADE), RawFrame.text("early").maskedWith(KEY).bytes());
            List<Event> events = feed(server, input, 10_000);
            assertThat(events).singleElement().isInstanceOfSatisfying(Event.Upgrade.class,
                    u -> assertThat(u.request().subprotocols()).containsExactly("chat", "superchat"));
            server.accept(Optional.of("chat"), List.of(), Headers.of("Set-Cookie", "a=1"));
            assertThat(server.state()).isEqualTo(Connection.State.OPEN);
            assertThat(output(server)).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                    .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                    .contains("Sec-WebSocket-Protocol: chat\r\n").endsWith("Set-Cookie: a=1\r\n\r\n");
            assertThat(server.hasWaitingInput()).isTrue();
            server.receive(ByteBuffer.allocate(0));
            assertThat(server.pollEvent()).isEqualTo(new Event.Text("early"));
        }

        @Test
        void aRejectedUpgradeGetsItsStatusAndTheConnectionEnds() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            feed(server, ascii(UPGRADE), 10_000);
            server.reject(new HandshakeException(403, "origin not allowed"));
            assertThat(output(server)).startsWith("HTTP/1.1 403 Forbidden\r\n").endsWith("origin not allowed\n");
            assertThat(server.tcpCloseDue()).isTrue();
        }

        @Test
        void anInvalidUpgradeIsRefusedByTheEngineItself() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            List<Event> events = feed(server, ascii(ServerHandshakeTest.sampleWith("Sec-WebSocket-Version",
                    "Sec-WebSocket-Version: 8")), 10_000);
            assertThat(events).singleElement().isInstanceOfSatisfying(Event.Refused.class,
                    r -> assertThat(r.cause().status()).isEqualTo(426));
            assertThat(output(server)).startsWith("HTTP/1.1 426 ").contains("Sec-WebSocket-Version: 13\r\n");
        }

        @Test
        void anUpgradeWithABodyIsRefused() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            String request = UPGRADE.replace("\r\n\r\n", "\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(feed(server, ascii(request), 10_000)).singleElement().isInstanceOfSatisfying(
                    Event.Refused.class, r -> assertThat(r.cause().status()).isEqualTo(400));
        }

        @Test
        void aFactoryThatFailsGets500AndTheCauseIsKept() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            feed(server, ascii(UPGRADE.replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: x-broken\r\n\r\n")),
                    10_000);
            server.accept(Optional.empty(), List.of(new Broken()), Headers.of());
            assertThat(server.pollEvent()).isInstanceOfSatisfying(Event.Refused.class, r -> {
                assertThat(r.cause().status()).isEqualTo(500);
                assertThat(r.cause().getMessage()).isEqualTo("internal error");
                assertThat(r.cause().getCause()).hasMessage("a bug in a factory");
            });
            assertThat(output(server)).startsWith("HTTP/1.1 500 ").endsWith("\r\n\r\ninternal error\n")
                    .doesNotContain("a bug");
            assertThat(server.tcpCloseDue()).isTrue();
        }

        @Test
        void aSubprotocolThatWasNotOfferedIsTheCallersBugAndChangesNothing() {
            Connection server = Connection.server(EngineOptions.DEFAULT);
            feed(server, ascii(UPGRADE), 10_000);
            assertThatThrownBy(() -> server.accept(Optional.of("mqtt"), List.of(), Headers.of()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(server.state()).isEqualTo(Connection.State.CONNECTING);
            server.accept(Optional.empty(), List.of(), Headers.of());
            assertThat(server.state()).isEqualTo(Connection.State.OPEN);
        }
    }

    @Nested
    class Client { // RFC 6455 §4.1
        final ClientHandshake handshake = ClientHandshake.create(URI.create("ws://example.com/chat"),
                List.of("chat"), List.of(), Headers.of(), Optional.empty(), new byte[16]);

        String response(String key, String extra) {
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + ServerHandshake.acceptValue(key) + "\r\n" + extra + "\r\n";
        }

        @Test
        void theRequestIsQueuedAndAnAcceptingAnswerOpens() {
            Connection client = Connection.client(EngineOptions.DEFAULT, handshake, () -> KEY);
            assertThat(output(client)).startsWith("GET /chat HTTP/1.1\r\nHost: example.com\r\n");
            byte[] input = concat(ascii(response(handshake.key(), "Sec-WebSocket-Protocol: chat\r\n")),
                    RawFrame.text("hi").bytes());
            for (int step : new int[] {1, 13, 10_000}) {
                Connection c = Connection.client(EngineOptions.DEFAULT, handshake, () -> KEY);
                List<Event> events = feed(c, input, step);
                assertThat(events).hasSize(2);
                assertThat(events.get(0)).isInstanceOfSatisfying(Event.Opened.class,
                        o -> assertThat(o.subprotocol()).contains("chat"));
                assertThat(events.get(1)).isEqualTo(new Event.Text("hi"));
                assertThat(c.state()).isEqualTo(Connection.State.OPEN);
            }
        }

        @Test
        void aRefusalIsReportedWithTheServersStatus() {
            Connection client = Connection.client(EngineOptions.DEFAULT, handshake, () -> KEY);
            List<Event> events = feed(client, ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), 5);
            assertThat(events).singleElement().isInstanceOfSatisfying(Event.Refused.class,
                    r -> assertThat(r.cause().status()).isEqualTo(404));
            assertThat(client.tcpCloseDue()).isTrue();
        }

        @Test
        void aWrongAcceptValueIsReportedAndTheConnectionEnds() {
            Connection client = Connection.client(EngineOptions.DEFAULT, handshake, () -> KEY);
            List<Event> events = feed(client, ascii(response("AQEBAQEBAQEBAQEBAQEBAQ==", "")), 1000);
            assertThat(events).singleElement().isInstanceOfSatisfying(Event.Refused.class,
                    r -> assertThat(r.cause().getMessage()).contains("Sec-WebSocket-Accept"));
            assertThat(client.state()).isEqualTo(Connection.State.CLOSED);
        }

        @Test
        void failingARefusedConnectionReportsNoCodeOfItsOwn() {
            // ConnectionFuzzer: Closed(1001) for a WebSocket that never opened, where the end of TCP reports 1006
            Connection client = Connection.client(EngineOptions.DEFAULT, handshake, () -> KEY);
            output(client);
            assertThat(feed(client, ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), 1000))
                    .singleElement().isInstanceOf(Event.Refused.class);
            client.fail(1001, "going away");
            assertThat(client.pollEvent()).isNull();
            assertThat(output(client)).isEmpty();
            client.receiveEof("");
            assertThat(client.pollEvent()).isEqualTo(new Event.Closed(1006, ""));
        }

        @Test
        void aFactoryThatFailsOnTheResponseIsAnInternalErrorNotAnException() {
            var broken = ClientHandshake.create(URI.create("ws://example.com/chat"), List.of(),
                    List.of(new Broken()), Headers.of(), Optional.empty(), new byte[16]);
            Connection client = Connection.client(EngineOptions.DEFAULT, broken, () -> KEY);
            List<Event> events = feed(client, ascii(response(broken.key(),
                    "Sec-WebSocket-Extensions: x-broken\r\n")), 1000);
            assertThat(events).singleElement().isInstanceOfSatisfying(Event.Refused.class, r -> {
                assertThat(r.cause().getMessage()).isEqualTo("internal error");
                assertThat(r.cause().getCause()).hasMessage("a bug in a factory");
            });
            assertThat(client.tcpCloseDue()).isTrue();
        }
    }

    /** A factory with a bug: it throws whatever it is asked. */
    static final class Broken implements ExtensionFactory {
        @Override
        public String name() {
            return "x-broken";
        }

        @Override
        public List<ExtensionOffer> clientOffers() {
            return List.of(new ExtensionOffer("x-broken", List.of()));
        }

        @Override
        public Optional<Accepted> acceptOffers(List<ExtensionOffer> offers) {
            throw new IllegalStateException("a bug in a factory");
        }

        @Override
        public Extension acceptResponse(ExtensionOffer response) {
            throw new IllegalStateException("a bug in a factory");
        }
    }
}
