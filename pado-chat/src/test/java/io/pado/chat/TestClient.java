package io.pado.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.WebSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A chat client for tests: records what arrives; tests wait for it with a deadline (no sleeps). */
final class TestClient implements Handler, AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    record Close(int code, String reason) {
    }

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    /** Every text that arrived, and its UTF-8 bytes, whether or not a test took it from {@link #texts}. */
    final AtomicLong received = new AtomicLong();
    final AtomicLong receivedBytes = new AtomicLong();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final Client client;
    final WebSocket ws;

    private TestClient(Client client, URI uri) {
        this.client = client;
        this.ws = client.connect(uri, this).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    static TestClient connect(ChatServer server, ClientOptions options) {
        Client client = Client.create(options);
        return new TestClient(client, URI.create("ws://127.0.0.1:" + server.port() + "/chat"));
    }

    static TestClient superchat(ChatServer server) {
        return connect(server, ClientOptions.builder().subprotocols("superchat").build());
    }

    /** A superchat client of whatever listens on that port of 127.0.0.1 (a node in another JVM, a proxy). */
    static TestClient superchat(int port) {
        return new TestClient(Client.create(ClientOptions.builder().subprotocols("superchat").build()),
                URI.create("ws://127.0.0.1:" + port + "/chat"));
    }

    static TestClient chat(ChatServer server) {
        return connect(server, ClientOptions.builder().subprotocols("chat").build());
    }

    @Override
    public void onText(WebSocket ws, String text) {
        received.incrementAndGet();
        receivedBytes.addAndGet(text.getBytes(StandardCharsets.UTF_8).length);
        texts.add(text);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        closed.complete(new Close(code, reason));
    }

    void send(String text) {
        ws.sendText(text).join();
    }

    /** The next text, or fails after the timeout. */
    String next() {
        try {
            String text = texts.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                throw new AssertionError("nothing arrived within " + TIMEOUT);
            }
            return text;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    JsonNode nextJson() {
        try {
            return Wire.JSON.readTree(next());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Skips texts until one matches; fails after the timeout. */
    String until(Predicate<String> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        var skipped = new ArrayList<String>();
        while (System.nanoTime() < deadline) {
            try {
                String text = texts.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (text != null && wanted.test(text)) {
                    return text;
                }
                if (text != null) {
                    skipped.add(text);
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no wanted text within " + TIMEOUT + "; got " + skipped);
    }

    /** The JSON object whose type is given, skipping others. */
    JsonNode untilType(String type) {
        try {
            return Wire.JSON.readTree(until(t -> t.contains("\"type\":\"" + type + "\"")));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Close awaitClose() {
        return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    List<String> drained() {
        var out = new ArrayList<String>();
        texts.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        client.close();
    }
}
