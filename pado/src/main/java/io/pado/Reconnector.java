package io.pado;

import io.pado.protocol.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link ReconnectingWebSocket}: one connection at a time, each made by {@link Dialer#connect} with its own
 * {@link Round} handler, which hands the connection's calls to the user's handler with this object as the
 * WebSocket. When a connection ends or an attempt fails, a timer on an event loop starts the next attempt after the
 * policy's delay: no thread waits.
 *
 * <p>Threads: the public methods on any thread; rounds' callbacks on handler threads; attempt outcomes on loops.
 * The fields under "state" are guarded by {@code lock}, which is never held while user code runs.
 */
final class Reconnector implements ReconnectingWebSocket {
    private static final System.Logger LOG = System.getLogger(Reconnector.class.getName());

    private final Dialer dialer;
    private final URI uri;
    private final Handler handler;
    private final Reconnect policy;
    /** Completes at the first open; fails if reconnecting stops before it. */
    private final CompletableFuture<ReconnectingWebSocket> first = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private final ReentrantLock lock = new ReentrantLock();
    // state
    private Session current;
    private Session last;
    private boolean stopped;
    private int closeCode = 1000;
    private String closeReason = "";

    Reconnector(Dialer dialer, URI uri, Handler handler, Reconnect policy) {
        this.dialer = dialer;
        this.uri = uri;
        this.handler = handler;
        this.policy = policy;
        first.whenComplete((ws, e) -> {
            if (first.isCancelled()) {
                stop(null);
            }
        });
    }

    /** Makes the first attempt; the future completes with this handle at the first open. */
    CompletableFuture<ReconnectingWebSocket> start() {
        attempt(0);
        return first;
    }

    // ---- attempts

    /** Attempt {@code n}: 0 is the first connection, 1... the reconnects since the last open. Any thread. */
    private void attempt(int n) {
        if (isStopped()) {
            return;
        }
        var round = new Round();
        CompletableFuture<WebSocket> opening;
        try {
            opening = dialer.connect(uri, round);
        } catch (IllegalStateException e) {
            stop(null); // the client is closed
            return;
        }
        opening.whenComplete((ws, failure) -> {
            if (failure == null) {
                if (round.accept((Session) ws)) {
                    first.complete(this);
                }
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                // Off the loop: the user's onReconnecting may block.
                dialer.runOnVirtualThread(() -> failed(n, cause));
            }
        });
    }

    private void failed(int n, Throwable cause) {
        if (isStopped()) {
            return;
        }
        if (!mayRetry(cause)) {
            LOG.log(System.Logger.Level.DEBUG, "not reconnecting to {0}: {1}", uri, cause.toString());
            stop(cause);
        } else if (n >= policy.maxAttempts()) {
            stop(new IOException("gave up reconnecting to " + uri + " after " + n + " attempts: "
                    + cause.getMessage(), cause));
        } else {
            later(n + 1, cause);
        }
    }

    /** Whether waiting may help: not for a refusal that the same request would get again. */
    private static boolean mayRetry(Throwable cause) {
        if (cause instanceof ProxyException p) {
            return p.status() != 401 && p.status() != 403 && p.status() != 407;
        }
        if (cause instanceof HandshakeException h) {
            int s = h.status();
            return s == 0 || s == 408 || s == 429 || s >= 500;
        }
        return cause instanceof IOException;
    }

    /** Tells the handler, then arms the timer for attempt {@code n}. On a handler thread. */
    private void later(int n, Throwable cause) {
        if (isStopped()) {
            return; // the user closed meanwhile: whenClosed has completed, nothing more is announced
        }
        Duration delay = policy.delayBefore(n);
        LOG.log(System.Logger.Level.DEBUG, "reconnecting to {0} in {1} ms (attempt {2}): {3}", uri,
                delay.toMillis(), n, cause.toString());
        try {
            handler.onReconnecting(this, n, delay, cause);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "onReconnecting failed; reconnecting anyway", e);
        }
        dialer.schedule(delay, () -> attempt(n));
    }

    /** A connection ended; it was the current one. On its handler thread, after the user's onClose. */
    private void ended(Session session, int code, String reason) {
        boolean stop;
        lock.lock();
        try {
            if (current == session) {
                current = null;
            }
            stop = stopped;
        } finally {
            lock.unlock();
        }
        if (stop) {
            finish(null);
        } else if (policy.isFinal(code)) {
            stop(new ClosedException(code, "closed with final code " + code + (reason.isEmpty() ? "" : " " + reason)));
        } else {
            later(1, new ClosedException(code, "connection closed with " + code + (reason.isEmpty() ? "" : " "
                    + reason)));
        }
    }

    // ---- the end

    private boolean isStopped() {
        lock.lock();
        try {
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    /** Stops reconnecting; finishes now unless a connection is still open (its onClose finishes then). */
    void stop(Throwable why) {
        boolean open;
        lock.lock();
        try {
            stopped = true;
            open = current != null;
        } finally {
            lock.unlock();
        }
        if (!open || why != null) {
            finish(why);
        }
    }

    private void finish(Throwable why) {
        if (why == null) {
            closed.complete(null);
            first.completeExceptionally(new ClosedException(1006,
                    "closed before the first connection opened"));
        } else {
            closed.completeExceptionally(why);
            first.completeExceptionally(why);
        }
    }

    @Override
    public CompletableFuture<Void> whenClosed() {
        return closed;
    }

    // ---- WebSocket: the current connection, if any

    private Session current() {
        lock.lock();
        try {
            return current;
        } finally {
            lock.unlock();
        }
    }

    private Session currentOrLast() {
        lock.lock();
        try {
            return current != null ? current : last;
        } finally {
            lock.unlock();
        }
    }

    private <T> CompletableFuture<T> notConnected() {
        return CompletableFuture.failedFuture(new ClosedException(1006, isStopped()
                ? "WebSocket is closed" : "not connected: reconnecting to " + uri));
    }

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        Session s = current();
        return s == null ? notConnected() : s.sendText(text);
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        Session s = current();
        return s == null ? notConnected() : s.sendBinary(data);
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer data) {
        Session s = current();
        return s == null ? notConnected() : s.sendPing(data);
    }

    @Override
    public CompletableFuture<Void> sendPong(ByteBuffer data) {
        Session s = current();
        return s == null ? notConnected() : s.sendPong(data);
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!Connection.isSendableCloseCode(code)) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("close reason over 123 bytes");
        }
        Session s;
        lock.lock();
        try {
            if (!stopped) {
                closeCode = code;
                closeReason = reason;
            }
            s = current;
        } finally {
            lock.unlock();
        }
        stop(null);
        return s == null ? CompletableFuture.completedFuture(null) : s.close(code, reason);
    }

    @Override
    public void abort() {
        Session s = current();
        stop(null);
        if (s != null) {
            s.abort();
        }
    }

    @Override
    public boolean isOpen() {
        Session s = current();
        return s != null && s.isOpen() && !isStopped();
    }

    @Override
    public long queuedBytes() {
        Session s = current();
        return s == null ? 0 : s.queuedBytes();
    }

    @Override
    public boolean isWritable() {
        Session s = current();
        return s != null && s.isWritable();
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        Session s = current();
        return s == null ? notConnected() : s.whenWritable();
    }

    @Override
    public void awaitWritable() throws ClosedException, InterruptedException {
        Session s = current();
        if (s == null) {
            throw new ClosedException(1006, "not connected: reconnecting to " + uri);
        }
        s.awaitWritable();
    }

    @Override
    public Optional<String> subprotocol() {
        Session s = currentOrLast();
        return s == null ? Optional.empty() : s.subprotocol();
    }

    @Override
    public String path() {
        Session s = currentOrLast();
        return s == null ? uri.getRawPath() : s.path();
    }

    @Override
    public Headers handshakeHeaders() {
        Session s = currentOrLast();
        return s == null ? Headers.of() : s.handshakeHeaders();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        Session s = currentOrLast();
        return s == null ? null : s.remoteAddress();
    }

    @Override
    public String toString() {
        return "ReconnectingWebSocket[" + uri + "]";
    }

    /**
     * The handler of one connection: passes its calls on with the stable handle, once the connection has been
     * accepted as the current one. Its calls come one at a time, onOpen first.
     */
    private final class Round implements Handler {
        private boolean decided; // guarded by lock
        private volatile boolean accepted;

        /** Decides once, at onOpen or when the connect future completes, whichever comes first. */
        boolean accept(Session session) {
            boolean reject;
            lock.lock();
            try {
                if (!decided) {
                    decided = true;
                    accepted = !stopped;
                    if (accepted) {
                        current = session;
                        last = session;
                    }
                    reject = !accepted;
                } else {
                    reject = false;
                }
            } finally {
                lock.unlock();
            }
            if (reject) {
                session.close(closeCode, closeReason); // the user closed while this attempt was under way
            }
            return accepted;
        }

        @Override
        public void onOpen(WebSocket ws) {
            if (accept((Session) ws)) {
                handler.onOpen(Reconnector.this);
            }
        }

        @Override
        public void onText(WebSocket ws, String text) {
            if (accepted) {
                handler.onText(Reconnector.this, text);
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            if (accepted) {
                handler.onBinary(Reconnector.this, data);
            }
        }

        @Override
        public void onTextPart(WebSocket ws, String part, boolean last) {
            if (accepted) {
                handler.onTextPart(Reconnector.this, part, last);
            }
        }

        @Override
        public void onBinaryPart(WebSocket ws, ByteBuffer part, boolean last) {
            if (accepted) {
                handler.onBinaryPart(Reconnector.this, part, last);
            }
        }

        @Override
        public void onPing(WebSocket ws, ByteBuffer data) {
            if (accepted) {
                handler.onPing(Reconnector.this, data);
            }
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer data) {
            if (accepted) {
                handler.onPong(Reconnector.this, data);
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (accepted) {
                handler.onError(Reconnector.this, error);
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            if (!accepted) {
                return;
            }
            try {
                handler.onClose(Reconnector.this, code, reason);
            } finally {
                ended((Session) ws, code, reason);
            }
        }
    }
}
