package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@code java.net.http.WebSocket.Listener} that joins message parts and records whole messages in a queue. */
final class JdkListener implements WebSocket.Listener {
    record Close(int code, String reason) {
    }

    record Pong(byte[] data) {
    }

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public void onOpen(WebSocket ws) {
        ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            received.add(text.toString());
            text.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        binary.writeBytes(Recorder.bytes(data));
        if (last) {
            received.add(binary.toByteArray());
            binary.reset();
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
        received.add(new Pong(Recorder.bytes(message)));
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        received.add(new Close(code, reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        received.add(error);
    }

    Object next() throws InterruptedException {
        Object o = received.poll(Recorder.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(o).as("a message within " + Recorder.TIMEOUT).isNotNull();
        return o;
    }

    <T> T next(Class<T> type) throws InterruptedException {
        Object o = next();
        assertThat(o).isInstanceOf(type);
        return type.cast(o);
    }
}
