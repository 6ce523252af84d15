package io.pado.jakarta;

import io.pado.WebSocket;
import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The two remotes of a session: {@link RemoteEndpoint.Basic}, whose sends block until the message is written to
 * the socket, and {@link RemoteEndpoint.Async}, whose sends return at once. Both queue on the same pado
 * {@link WebSocket}, so messages leave in call order whichever remote sent them. Thread-safe.
 *
 * <p>pado sends each message as one frame: parts given to {@code sendText(part, last)}, {@code getSendStream()} or
 * {@code getSendWriter()} are gathered and sent as one message when the last part comes. The peer receives the same
 * message, unfragmented.
 */
final class Outbound {
    private final PadoSession session;
    private final WebSocket ws;
    private final Coders coders;
    private final Basic basic = new Basic();
    private final Async async = new Async();
    private final ReentrantLock partsLock = new ReentrantLock();
    /** The text parts of the message being sent in parts, or null; under {@link #partsLock}. */
    private StringBuilder textParts;
    /** The binary parts of the message being sent in parts, or null; under {@link #partsLock}. */
    private ByteArrayOutputStream binaryParts;
    /** Whether the application allowed batching; pado writes each loop iteration's output at once anyway. */
    private volatile boolean batching;
    /** {@link RemoteEndpoint.Async#setSendTimeout}; starts at the container's default. */
    private volatile long sendTimeoutMillis;

    Outbound(PadoSession session, WebSocket ws, Coders coders) {
        this.session = session;
        this.ws = ws;
        this.coders = coders;
        this.sendTimeoutMillis = session.deployment().settings.asyncSendTimeoutMillis();
    }

    RemoteEndpoint.Basic basic() {
        return basic;
    }

    RemoteEndpoint.Async async() {
        return async;
    }

    private CompletableFuture<Void> text(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text is null");
        }
        checkNoParts();
        session.active();
        return ws.sendText(text);
    }

    private CompletableFuture<Void> binary(ByteBuffer data) {
        if (data == null) {
            throw new IllegalArgumentException("data is null");
        }
        checkNoParts();
        session.active();
        return ws.sendBinary(data);
    }

    private CompletableFuture<Void> object(Object value) {
        try {
            return encoded(coders.encode(value));
        } catch (EncodeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Void> encoded(Coders.Encoded encoded) {
        return switch (encoded) {
            case Coders.Encoded.Text t -> text(t.text());
            case Coders.Encoded.Binary b -> binary(b.data());
        };
    }

    /** Jakarta: a whole message may not be sent while one is being sent in parts. */
    private void checkNoParts() {
        partsLock.lock();
        try {
            if (textParts != null || binaryParts != null) {
                throw new IllegalStateException("a message is being sent in parts: send its last part first");
            }
        } finally {
            partsLock.unlock();
        }
    }

    /** Waits for a send of the basic remote; its failure as the IOException (or EncodeException) it was. */
    private static void await(CompletableFuture<Void> sent) throws IOException {
        try {
            sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    private void ping(ByteBuffer data, boolean pong) throws IOException {
        Objects.requireNonNull(data, "data");
        if (data.remaining() > 125) {
            // RFC 6455 §5.5: control frames have payloads of 125 bytes at most
            throw new IllegalArgumentException("ping and pong data are at most 125 bytes: " + data.remaining());
        }
        await(pong ? ws.sendPong(data) : ws.sendPing(data));
    }

    private abstract class Common implements RemoteEndpoint {
        @Override
        public void setBatchingAllowed(boolean allowed) {
            batching = allowed;
        }

        @Override
        public boolean getBatchingAllowed() {
            return batching;
        }

        /** Nothing to do: pado already writes what a loop iteration queued in one go. */
        @Override
        public void flushBatch() {
        }

        @Override
        public void sendPing(ByteBuffer applicationData) throws IOException {
            ping(applicationData, false);
        }

        @Override
        public void sendPong(ByteBuffer applicationData) throws IOException {
            ping(applicationData, true);
        }
    }

    private final class Basic extends Common implements RemoteEndpoint.Basic {
        @Override
        public void sendText(String text) throws IOException {
            await(text(text));
        }

        @Override
        public void sendBinary(ByteBuffer data) throws IOException {
            await(binary(data));
        }

        @Override
        public void sendText(String partialMessage, boolean isLast) throws IOException {
            Objects.requireNonNull(partialMessage, "partialMessage");
            String whole;
            partsLock.lock();
            try {
                if (binaryParts != null) {
                    throw new IllegalStateException("a binary message is being sent in parts");
                }
                if (textParts == null) {
                    textParts = new StringBuilder();
                }
                textParts.append(partialMessage);
                if (!isLast) {
                    return;
                }
                whole = textParts.toString();
                textParts = null;
            } finally {
                partsLock.unlock();
            }
            sendText(whole);
        }

        @Override
        public void sendBinary(ByteBuffer partialByte, boolean isLast) throws IOException {
            Objects.requireNonNull(partialByte, "partialByte");
            byte[] whole;
            partsLock.lock();
            try {
                if (textParts != null) {
                    throw new IllegalStateException("a text message is being sent in parts");
                }
                if (binaryParts == null) {
                    binaryParts = new ByteArrayOutputStream();
                }
                ByteBuffer part = partialByte.duplicate();
                byte[] bytes = new byte[part.remaining()];
                part.get(bytes);
                binaryParts.writeBytes(bytes);
                if (!isLast) {
                    return;
                }
                whole = binaryParts.toByteArray();
                binaryParts = null;
            } finally {
                partsLock.unlock();
            }
            sendBinary(ByteBuffer.wrap(whole));
        }

        /** A stream whose bytes are sent as one binary message when it is closed. */
        @Override
        public OutputStream getSendStream() {
            return new ByteArrayOutputStream() {
                private boolean closed;

                @Override
                public void close() throws IOException {
                    if (!closed) {
                        closed = true;
                        sendBinary(ByteBuffer.wrap(toByteArray()));
                    }
                }
            };
        }

        /** A writer whose text is sent as one text message when it is closed. */
        @Override
        public Writer getSendWriter() {
            return new Writer() {
                private final StringBuilder text = new StringBuilder();
                private boolean closed;

                @Override
                public void write(char[] chars, int offset, int length) throws IOException {
                    if (closed) {
                        throw new IOException("writer closed");
                    }
                    text.append(chars, offset, length);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() throws IOException {
                    if (!closed) {
                        closed = true;
                        sendText(text.toString());
                    }
                }
            };
        }

        @Override
        public void sendObject(Object data) throws IOException, EncodeException {
            await(encoded(coders.encode(data)));
        }
    }

    private final class Async extends Common implements RemoteEndpoint.Async {
        @Override
        public long getSendTimeout() {
            return sendTimeoutMillis;
        }

        /**
         * A send not written within this many milliseconds fails with a {@link SocketTimeoutException}; 0 or less
         * for never. pado cannot take back a queued message: it may still be written after its send timed out.
         */
        @Override
        public void setSendTimeout(long timeoutMillis) {
            sendTimeoutMillis = timeoutMillis;
        }

        @Override
        public void sendText(String text, SendHandler handler) {
            requireHandler(handler);
            tell(timed(text(text)), handler);
        }

        @Override
        public Future<Void> sendText(String text) {
            return timed(text(text));
        }

        @Override
        public Future<Void> sendBinary(ByteBuffer data) {
            return timed(binary(data));
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler handler) {
            requireHandler(handler);
            tell(timed(binary(data)), handler);
        }

        @Override
        public Future<Void> sendObject(Object data) {
            return timed(object(data));
        }

        @Override
        public void sendObject(Object data, SendHandler handler) {
            requireHandler(handler);
            tell(timed(object(data)), handler);
        }

        private CompletableFuture<Void> timed(CompletableFuture<Void> sent) {
            long timeout = sendTimeoutMillis;
            if (timeout <= 0) {
                return sent;
            }
            return sent.orTimeout(timeout, TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof TimeoutException) {
                    return CompletableFuture.failedFuture(
                            new SocketTimeoutException("not sent within " + timeout + " ms"));
                }
                return CompletableFuture.failedFuture(cause);
            });
        }

        private static void requireHandler(SendHandler handler) {
            if (handler == null) {
                throw new IllegalArgumentException("handler is null");
            }
        }

        /** Tells {@code handler} on a virtual thread, never on pado's event loop where the send completes. */
        private void tell(CompletableFuture<Void> sent, SendHandler handler) {
            sent.whenCompleteAsync((done, failure) -> {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                handler.onResult(cause == null ? new SendResult(session) : new SendResult(session, cause));
            }, ContainerSettings::runOnVirtualThread);
        }
    }
}
