package io.pado.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.MessageDroppedException;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.SlowConsumerPolicy;
import io.pado.TestCertificates;
import io.pado.WebSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the examples of docs/GUIDE.md, so that the guide cannot rot. */
class GuideExamplesTest {

    @Test
    void echoServerAndClient() throws Exception {
        try (Server server = EchoServer.start(0)) {
            var uri = URI.create("ws://127.0.0.1:" + server.port() + "/echo");
            assertThat(EchoClient.roundTrip(uri, "hello, pado")).isEqualTo("hello, pado");
        }
    }

    @Test
    void chatRoomBroadcastsToEveryone() throws Exception {
        var options = ClientOptions.builder().subprotocols("chat.v1").build();
        try (Server server = ChatRoom.start(0); Client client = Client.create(options);
                Client evil = Client.create(options.toBuilder().origin("https://evil.example").build())) {
            var uri = URI.create("ws://127.0.0.1:" + server.port() + "/chat");
            var alice = new LinkedBlockingQueue<String>();
            var bob = new LinkedBlockingQueue<String>();
            WebSocket a = client.connect(uri, inbox(alice)).join();
            client.connect(uri, inbox(bob)).join();
            assertThat(alice.poll(10, TimeUnit.SECONDS)).isEqualTo("welcome");
            assertThat(bob.poll(10, TimeUnit.SECONDS)).isEqualTo("welcome");
            assertThat(a.subprotocol()).hasValue("chat.v1");

            a.sendText("hi all");
            assertThat(alice.poll(10, TimeUnit.SECONDS)).isEqualTo("hi all");
            assertThat(bob.poll(10, TimeUnit.SECONDS)).isEqualTo("hi all");

            assertThat(evil.connect(uri, inbox(new LinkedBlockingQueue<>()))).failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableThat().havingCause().isInstanceOf(io.pado.HandshakeException.class)
                    .withMessageContaining("403");
        }
    }

    @Test
    void compressedEchoNegotiatesPermessageDeflate() throws Exception {
        try (Server server = CompressedEcho.start(0); Client client = CompressedEcho.client()) {
            var texts = new LinkedBlockingQueue<String>();
            WebSocket ws = client.connect(java.net.URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                    inbox(texts)).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ws.handshakeHeaders().first("Sec-WebSocket-Extensions")).hasValueSatisfying(
                    v -> assertThat(v).contains("permessage-deflate"));
            String text = "wave ".repeat(1000);
            ws.sendText(text);
            assertThat(texts.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(text);
        }
    }

    @Test
    void secureEchoOverWss(@TempDir Path dir) throws Exception {
        var cert = TestCertificates.create(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        try (Server server = SecureEcho.start(0, cert.certificatePem(), cert.keyPem())) {
            var uri = URI.create("wss://localhost:" + server.port() + "/echo");
            assertThat(SecureEcho.roundTrip(uri, cert.certificatePem(), "hello, tls")).isEqualTo("hello, tls");
        }
    }

    @Test
    void resilientClientResubscribesAfterAServerRestart() throws Exception {
        var prices = new LinkedBlockingQueue<String>();
        Handler feed = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                boolean authorized = ws.handshakeHeaders().first("Authorization").orElse("").equals("Bearer t0k")
                        && ws.handshakeHeaders().first("Cookie").orElse("").equals("region=eu");
                ws.sendText(authorized ? text.substring("subscribe ".length()) + " 42" : "unauthorized");
            }
        };
        Server server = Server.create(ServerOptions.builder().port(0).build()).endpoint("/prices", feed).start();
        int port = server.port();
        try (Client client = ResilientClient.create("t0k", io.pado.ClientProxy.NONE)) {
            var ws = ResilientClient.subscribe(client, URI.create("ws://127.0.0.1:" + port + "/prices"), "ACME",
                    prices::add);
            assertThat(prices.poll(10, TimeUnit.SECONDS)).isEqualTo("ACME 42");

            server.close();
            server = Server.create(ServerOptions.builder().port(port).build()).endpoint("/prices", feed).start();
            assertThat(prices.poll(10, TimeUnit.SECONDS)).isEqualTo("ACME 42"); // subscribed again

            ws.close(1000, "bye");
            ws.whenClosed().get(10, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    @Test
    void serverLimitsTakeA4MiBMessageAndSayWhatTheGuideSays() throws Exception {
        ServerOptions options = ServerLimits.options();
        assertThat(options.connection().maxFrameBytes()).isEqualTo(16 << 20);
        assertThat(options.connection().maxMessageBytes()).isEqualTo(16 << 20);
        assertThat(options.connection().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.maxConnectionsPerAddress()).isEqualTo(50);
        assertThat(options.handshakeRate()).hasValue(ServerOptions.HandshakeRate.perSecond(200));
        String big = "x".repeat(4 << 20); // over the default 1 MiB, which would close with 1009
        try (Server server = Server.create(options).endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                }).start();
                Client client = Client.create(ClientOptions.builder().connection(options.connection()).build())) {
            var texts = new LinkedBlockingQueue<String>();
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), inbox(texts))
                    .get(10, TimeUnit.SECONDS);
            ws.sendText(big);
            assertThat(texts.poll(30, TimeUnit.SECONDS)).isEqualTo(big);
        }
    }

    @Test
    void priceTickerDropsWhatASlowClientCannotTakeAndKeepsTheConnection() throws Exception {
        var opened = new CompletableFuture<WebSocket>();
        Handler prices = new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                opened.complete(ws);
            }
        };
        var release = new CountDownLatch(1);
        var received = new LinkedBlockingQueue<Integer>();
        try (Server server = Server.create(ServerOptions.builder().connection(c -> c.waterMarks(16 << 10, 64 << 10))
                .build()).endpoint(PriceTicker.endpoint(prices)).start();
                Client client = Client.create(ClientOptions.DEFAULT)) {
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/prices"), new Handler() {
                @Override
                public void onBinary(WebSocket ws, ByteBuffer data) {
                    try {
                        release.await(); // a client that has fallen behind: pado stops reading its socket
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    received.add(data.getInt(0));
                }
            }).get(10, TimeUnit.SECONDS);
            WebSocket ws = opened.get(10, TimeUnit.SECONDS);

            // Prices of 16 KiB until one is dropped: the client's buffers and then the server's queue fill up.
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            int dropped = 0;
            for (int price = 0; dropped == 0; price++) {
                assertThat(price).as("no send was dropped").isLessThan(100_000);
                var send = ws.sendBinary(ByteBuffer.allocate(16 << 10).putInt(0, price));
                if (send.isCompletedExceptionally()) {
                    assertThat(send).failsWithin(0, TimeUnit.SECONDS).withThrowableThat()
                            .havingCause().isInstanceOf(MessageDroppedException.class);
                    dropped++;
                } else {
                    sends.add(send);
                }
            }
            assertThat(ws.queuedBytes()).isLessThanOrEqualTo(64 << 10);

            // The client catches up: it gets every price that was not dropped, in order, and the connection stays.
            release.countDown();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.allocate(4).putInt(0, -1)).get(10, TimeUnit.SECONDS);
            int last = -2;
            for (int i = 0; i < sends.size(); i++) {
                Integer price = received.poll(10, TimeUnit.SECONDS);
                assertThat(price).isNotNull().isGreaterThan(last);
                last = price;
            }
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(ws.isOpen()).isTrue();
        }
    }

    @Test
    void fileUploadWritesAMessageToAFileAsItsPartsArrive(@TempDir Path dir) throws Exception {
        byte[] data = new byte[12 << 20]; // read from the socket in many pieces
        new Random(18).nextBytes(data);
        var options = ClientOptions.builder().connection(c -> c.maxMessageBytes(16 << 20)).build();
        try (Server server = FileUpload.start(0, dir); Client client = Client.create(options)) {
            var uri = URI.create("ws://127.0.0.1:" + server.port() + "/upload");
            var texts = new LinkedBlockingQueue<String>();
            var closeCode = new CompletableFuture<Integer>();
            WebSocket ws = client.connect(uri, new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    texts.add(text);
                }

                @Override
                public void onClose(WebSocket ws, int code, String reason) {
                    closeCode.complete(code);
                }
            }).get(10, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(data));
            assertThat(texts.poll(30, TimeUnit.SECONDS)).isEqualTo("stored " + data.length + " bytes");
            assertThat(Files.readAllBytes(dir.resolve("upload-1"))).isEqualTo(data);

            ws.sendText("not a file");
            assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
            try (var files = Files.list(dir)) {
                assertThat(files).as("a text message stores nothing").hasSize(1);
            }
        }
    }

    static Handler inbox(LinkedBlockingQueue<String> queue) {
        return new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                queue.add(text);
            }
        };
    }

    @Test
    void blockingProducerNeverQueuesMuchMore() throws Exception {
        int chunks = 500; // 8 MiB
        try (Server server = Server.create(ServerOptions.builder()
                .connection(c -> c.waterMarks(64 << 10, 256 << 10))
                .build())
                .endpoint("/download", new BlockingProducer(chunks)).start();
                Client client = Client.create(ClientOptions.DEFAULT)) {
            var received = new AtomicInteger();
            var done = new CompletableFuture<Void>();
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/download"),
                    new Handler() {
                        @Override
                        public void onBinary(WebSocket ws, ByteBuffer data) {
                            byte expected = (byte) received.getAndIncrement();
                            while (data.hasRemaining()) {
                                if (data.get() != expected) {
                                    done.completeExceptionally(new AssertionError("bad byte"));
                                }
                            }
                        }

                        @Override
                        public void onText(WebSocket ws, String text) {
                            done.complete(null);
                        }
                    }).join();
            ws.sendText("go");
            done.get(30, TimeUnit.SECONDS);
            assertThat(received.get()).isEqualTo(chunks);
        }
    }

    @Test
    void priceFeedClosesASubscriberThatCannotKeepUpAndEveryLossIsCounted() throws Exception {
        var subscriber = new CompletableFuture<WebSocket>();
        Handler feed = new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                subscriber.complete(ws);
            }
        };
        try (Server server = Server.create(ServerOptions.builder().connection(c -> c
                        .waterMarks(16 << 10, 64 << 10)
                        .maxQueuedBytes(256 << 10)
                        .slowConsumerPolicy(SlowConsumerPolicy.FAIL_SEND)).build())
                .endpoint("/prices", feed).start();
                Client client = Client.create(ClientOptions.builder().connection(c -> c
                        .waterMarks(16 << 10, 64 << 10)).build())) {
            var stalled = new CountDownLatch(1);
            var closed = new CompletableFuture<Integer>();
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/prices"), new Handler() {
                @Override
                public void onText(WebSocket ws, String price) {
                    try {
                        stalled.await(30, TimeUnit.SECONDS); // a subscriber far behind: it stops reading
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void onClose(WebSocket ws, int code, String reason) {
                    closed.complete(code);
                }
            }).get(10, TimeUnit.SECONDS);
            WebSocket ws = subscriber.get(10, TimeUnit.SECONDS);
            String price = "EUR/KRW 1500.00 ".repeat(256); // 4 KiB
            int published = 0;
            for (; published < 20_000 && ws.isOpen(); published++) { // at most 80 MiB, far more than sockets hold
                PriceFeed.publish(ws, price);
            }
            assertThat(ws.isOpen()).as("closed once its queue was full").isFalse();
            assertThat(server.metrics().sendsFailed()).as("every lost price counted").isPositive();
            stalled.countDown(); // it reads again: what was queued before the Close arrives, then the Close
            assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo(1013);
            assertThat(server.metrics().messagesSent() + server.metrics().sendsFailed()).isEqualTo(published);
        }
    }
}
