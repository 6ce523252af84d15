package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Handler} that records every callback in a queue; tests take them out with a timeout (no sleeps), in the
 * manner of OkHttp's WebSocketRecorder.
 */
class Recorder implements Handler { // open: tests add onOpen behaviour
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    sealed interface Call {
    }

    record Open(WebSocket ws) implements Call {
    }

    record Text(WebSocket ws, String text) implements Call {
    }

    record Binary(WebSocket ws, byte[] data) implements Call {
    }

    record Ping(byte[] data) implements Call {
    }

    record Pong(byte[] data) implements Call {
    }

    record Close(int code, String reason) implements Call {
    }

    record Error(Throwable error) implements Call {
    }

    /** {@link Handler#onReconnecting}, with the time it was called ({@link System#nanoTime()}). */
    record Reconnecting(int attempt, Duration delay, Throwable cause, long atNanos) implements Call {
    }

    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(WebSocket ws) {
        calls.add(new Open(ws));
    }

    @Override
    public void onText(WebSocket ws, String text) {
        calls.add(new Text(ws, text));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        calls.add(new Binary(ws, bytes(data)));
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer data) {
        calls.add(new Ping(bytes(data)));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        calls.add(new Pong(bytes(data)));
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        calls.add(new Close(code, reason));
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        calls.add(new Error(error));
    }

    @Override
    public void onReconnecting(WebSocket ws, int attempt, Duration delay, Throwable cause) {
        calls.add(new Reconnecting(attempt, delay, cause, System.nanoTime()));
    }

    /** The calls recorded and not yet taken, taking them. */
    java.util.List<Call> drain() {
        var out = new java.util.ArrayList<Call>();
        calls.drainTo(out);
        return out;
    }

    static byte[] bytes(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        return b;
    }

    Call next() {
        try {
            Call call = calls.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(call).as("a handler call within " + TIMEOUT).isNotNull();
            return call;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    <T extends Call> T next(Class<T> type) {
        Call call = next();
        assertThat(call).isInstanceOf(type);
        return type.cast(call);
    }

    /** Skips other calls (Pongs, Errors) until one of {@code type}. */
    <T extends Call> T await(Class<T> type) {
        while (true) {
            Call call = next();
            if (type.isInstance(call)) {
                return type.cast(call);
            }
        }
    }

    WebSocket awaitOpen() {
        return next(Open.class).ws();
    }

    String nextText() {
        return next(Text.class).text();
    }

    Close awaitClose() {
        return await(Close.class);
    }
}
