package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * pado's plain HTTP side over raw sockets, as browsers and HTTP clients use it (RFC 9112): persistent connections
 * with an idle timeout and a cap on requests, {@code Connection: close}, bodies by {@code Content-Length} or chunked,
 * their limits, pipelining, {@code HEAD}, and bad input answered with its status, never a crash or a stall.
 */
class PlainHttpTest {
    /** The requests the handler answered, on every connection. */
    private final AtomicInteger answered = new AtomicInteger();
    private Server server;

    /** A server whose handler answers "METHOD TARGET BODY" and counts; {@code /echo} is a WebSocket echo. */
    private Server start(ServerOptions.Builder options) throws IOException {
        server = Server.create(options.eventLoops(1).build())
                .endpoint("/echo", new Echo())
                .http(request -> {
                    answered.incrementAndGet();
                    return HttpResponse.text(200, request.method() + " " + request.target() + " "
                            + request.bodyText());
                })
                .start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Reads one response: its head, then as many body bytes as Content-Length says (none for a HEAD). */
    static Response read(RawSocket raw, boolean head) throws IOException {
        String[] lines = raw.readHead().split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1)
                    .trim());
        }
        byte[] body = new byte[head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"))];
        new DataInputStream(raw.input()).readFully(body);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    static Response read(RawSocket raw) throws IOException {
        return read(raw, false);
    }

    static String get(String target, String... extraLines) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String.join("", extraLines) + "\r\n";
    }

    @Nested
    class PersistentConnections { // RFC 9112 §9.3
        @Test
        void aConnectionStaysForTheNextRequestAndThenUpgrades() throws Exception {
            start(ServerOptions.builder());
            try (var raw = RawSocket.connect(server.port())) {
                for (int i = 0; i < 5; i++) {
                    raw.write(get("/page" + i));
                    Response r = read(raw);
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("GET /page" + i + " ");
                    assertThat(r.header("Connection")).isNull();
                }
                // The same connection becomes a WebSocket
                raw.write(RawSocket.upgradeRequest("/echo", "Sec-WebSocket-Version: 13\r\n"));
                assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
                raw.sendText("after five pages");
                assertThat(raw.readFrame().text()).isEqualTo("after five pages");
            }
            assertThat(answered).hasValue(5);
        }

        @Test
        void connectionCloseAndHttp10AreHonoured() throws Exception {
            start(ServerOptions.builder());
            for (String request : List.of(get("/a", "Connection: close\r\n"), "GET /a HTTP/1.0\r\n\r\n")) {
                try (var raw = RawSocket.connect(server.port())) {
                    raw.write(request);
                    Response r = read(raw);
                    assertThat(r.status()).as(request).isEqualTo(200);
                    assertThat(r.header("Connection")).as(request).isEqualToIgnoringCase("close");
                    assertThat(raw.awaitEof()).as("closed after " + request).isTrue();
                }
            }
            try (var raw = RawSocket.connect(server.port())) {
                raw.write("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThat(read(raw).header("Connection")).isNull();
                raw.write("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThat(read(raw).body()).isEqualTo("GET /b ");
            }
        }

        @Test
        void anIdleConnectionIsClosedAfterTheKeepAliveTime() throws Exception {
            Duration keepAlive = Duration.ofMillis(300);
            start(ServerOptions.builder().httpKeepAlive(keepAlive));
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(get("/a"));
                assertThat(read(raw).status()).isEqualTo(200);
                long answeredAt = System.nanoTime();
                assertThat(raw.awaitEof()).as("closed within the socket's 10 s read timeout").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - answeredAt)).isGreaterThanOrEqualTo(
                        keepAlive.minusMillis(50));
            }
            // Half a request does not hold the connection longer: the keep-alive time covers the whole next request
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(get("/a"));
                assertThat(read(raw).status()).isEqualTo(200);
                raw.write("GET /b HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                String rest = readToEnd(raw);
                assertThat(rest.isEmpty() || rest.startsWith("HTTP/1.1 408")).as(rest).isTrue();
            }
            assertThat(answered).hasValue(2);
        }

        @Test
        void zeroKeepAliveClosesAfterEveryAnswer() throws Exception {
            start(ServerOptions.builder().httpKeepAlive(Duration.ZERO));
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(get("/a"));
                assertThat(read(raw).header("Connection")).isEqualToIgnoringCase("close");
                assertThat(raw.awaitEof()).isTrue();
            }
        }

        @Test
        void theLastAllowedRequestIsAnsweredWithConnectionClose() throws Exception {
            start(ServerOptions.builder().maxRequestsPerConnection(3));
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(get("/1") + get("/2") + get("/3") + get("/4"));
                assertThat(read(raw).header("Connection")).isNull();
                assertThat(read(raw).header("Connection")).isNull();
                Response third = read(raw);
                assertThat(third.body()).isEqualTo("GET /3 ");
                assertThat(third.header("Connection")).isEqualToIgnoringCase("close");
                assertThat(raw.awaitEof()).isTrue();
            }
            assertThat(answered).hasValue(3);
        }
    }

    @Nested
    class Bodies { // RFC 9112 §6
        @Test
        void aBodyIsReadByContentLengthOrChunked() throws Exception {
            start(ServerOptions.builder());
            try (var raw = RawSocket.connect(server.port())) {
                raw.write("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nroom=a&t=b!");
                assertThat(read(raw).body()).isEqualTo("POST /form room=a&t=b!");
                raw.write("POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: dropped\r\n\r\n");
                assertThat(read(raw).body()).isEqualTo("POST /chunks hello, world");
                raw.write("POST /empty HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
                assertThat(read(raw).body()).isEqualTo("POST /empty ");
            }
        }

        @Test
        void aClientThatExpectsContinueGetsItBeforeSendingItsBody() throws Exception {
            start(ServerOptions.builder());
            try (var raw = RawSocket.connect(server.port())) {
                raw.write("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
                assertThat(raw.readHead()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
                raw.write("data");
                assertThat(read(raw).body()).isEqualTo("PUT /big data");
            }
        }

        @Test
        void aPostWithoutALengthGets411AndTooBigABodyGets413() throws Exception {
            start(ServerOptions.builder().maxRequestBodyBytes(100));
            assertRefused("POST /x HTTP/1.1\r\nHost: x\r\n\r\nroom=a", 411);
            assertRefused("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n", 413);
            assertRefused("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", 413);
            try (var raw = RawSocket.connect(server.port())) {
                String hundred = "x".repeat(100);
                raw.write("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + hundred);
                assertThat(read(raw).body()).isEqualTo("POST /x " + hundred);
            }
            assertThat(answered).hasValue(1);
        }
    }

    @Nested
    class Pipelining { // RFC 9112 §9.3.2
        @Test
        void requestsSentTogetherAreAnsweredInOrder() throws Exception {
            start(ServerOptions.builder());
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(get("/first") + "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                        + "HEAD /third HTTP/1.1\r\nHost: x\r\n\r\n" + get("/fourth"));
                assertThat(read(raw).body()).isEqualTo("GET /first ");
                assertThat(read(raw).body()).isEqualTo("POST /second abc");
                Response head = read(raw, true);
                assertThat(head.header("Content-Length")).isEqualTo(Integer.toString("HEAD /third ".length()));
                // A HEAD answer has no body: the next response starts right after its head
                assertThat(read(raw).body()).isEqualTo("GET /fourth ");
            }
        }

        @Test
        void requestsSplitAtEveryByteAreReadTheSame() throws Exception {
            start(ServerOptions.builder());
            byte[] two = (get("/a") + "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nxyz\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            try (var raw = RawSocket.connect(server.port())) {
                raw.socket.setTcpNoDelay(true);
                for (byte b : two) {
                    raw.write(new byte[] {b});
                }
                assertThat(read(raw).body()).isEqualTo("GET /a ");
                assertThat(read(raw).body()).isEqualTo("POST /b xyz");
            }
        }
    }

    @Nested
    class BadInput {
        @Test
        void eachFaultGetsItsStatusAndTheServerGoesOn() throws Exception {
            start(ServerOptions.builder().maxRequestHeadBytes(1024));
            assertRefused("BLAH\r\n\r\n", 400);
            assertRefused("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(2000) + "\r\n\r\n", 431);
            assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
            assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                    400);
            assertRefused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\n", 400);
            assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400);
            assertRefused("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(get("/still-here"));
                assertThat(read(raw).body()).isEqualTo("GET /still-here ");
            }
            assertThat(answered).hasValue(1);
        }

        @Test
        void randomBytesEndInAnAnswerOrACloseNeverAStall() throws Exception {
            start(ServerOptions.builder());
            long seed = System.nanoTime();
            var random = new SplittableRandom(seed);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
                byte[] junk = new byte[1 + random.nextInt(600)];
                random.nextBytes(junk);
                if (random.nextBoolean()) {
                    // Half of them start like a request, so that the parser gets past the request line
                    byte[] start = "POST / HTTP/1.1\r\nContent-Length: 5\r\n".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(start, 0, junk, 0, Math.min(start.length, junk.length));
                }
                try (var raw = RawSocket.connect(server.port())) {
                    raw.write(junk);
                    raw.socket.shutdownOutput(); // the end of input: the server must answer or close now
                    String answer = readToEnd(raw);
                    assertThat(answer.isEmpty() || answer.matches("(?s)HTTP/1\\.1 [2-5][0-9][0-9] .*"))
                            .as("seed %d, case %d: %s", seed, i, answer).isTrue();
                }
            }
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(get("/after-the-junk"));
                assertThat(read(raw).body()).as("seed " + seed).isEqualTo("GET /after-the-junk ");
            }
        }
    }

    /** Sends {@code request} on a new connection: the answer has {@code status} and the connection ends. */
    private void assertRefused(String request, int status) throws IOException {
        try (var raw = RawSocket.connect(server.port())) {
            raw.write(request);
            Response r = read(raw);
            assertThat(r.status()).as(request).isEqualTo(status);
            assertThat(r.header("Connection")).as(request).isEqualToIgnoringCase("close");
            assertThat(raw.awaitEof()).as("closed after " + status).isTrue();
        }
    }

    /** Everything until the server closes (a reset counts as a close); fails on the socket's read timeout. */
    private static String readToEnd(RawSocket raw) throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = raw.input().read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // reset: closed
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
