package io.pado.jakarta;

import io.pado.WebSocket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * A Jakarta {@link Session} on one pado {@link WebSocket}. pado calls it one event at a time, in order, on a virtual
 * thread (see {@link SessionHandler}); it turns each message into what the registered handler takes and calls it.
 * The session's own methods may be called from any thread.
 *
 * <p>Messages arrive whole: pado reassembles fragments, so a {@link MessageHandler.Partial} gets each message as
 * one part with {@code last} true.
 */
final class PadoSession implements Session {
    private static final System.Logger LOG = System.getLogger(PadoSession.class.getName());

    private final String id;
    private final WebSocket ws;
    private final Deployment deployment;
    private final Handshake handshake;
    private final Map<String, Object> userProperties;
    private final Coders coders;
    private final Endpoint endpoint;
    private final Outbound outbound;
    private final ReentrantLock handlersLock = new ReentrantLock();
    /** Set under {@link #handlersLock} by any thread, read by the handler thread. */
    private volatile Inbound text;
    private volatile Inbound binary;
    private volatile Inbound pong;
    /** Written by any thread through the setters, read by the handler thread. */
    private volatile int maxBinaryMessageBufferSize;
    private volatile int maxTextMessageBufferSize;
    private final IdleTimer idle;
    /** Set when the container (not the peer or the application) closes the session: onClose then gets 1006. */
    private volatile CloseReason containerClose;
    private final AtomicBoolean ended = new AtomicBoolean();

    PadoSession(WebSocket ws, Deployment deployment, Handshake handshake, Coders coders, Endpoint endpoint) {
        this.id = deployment.settings.nextSessionId();
        this.ws = ws;
        this.deployment = deployment;
        this.handshake = handshake;
        this.userProperties = Collections.synchronizedMap(new HashMap<>(handshake.userProperties()));
        this.coders = coders;
        this.endpoint = endpoint;
        this.outbound = new Outbound(this, ws, coders);
        this.maxBinaryMessageBufferSize = deployment.settings.maxBinaryMessageBufferSize();
        this.maxTextMessageBufferSize = deployment.settings.maxTextMessageBufferSize();
        this.idle = new IdleTimer(deployment.settings, ws::isOpen,
                () -> closeByContainer(CloseReason.CloseCodes.GOING_AWAY, "idle timeout"));
        idle.timeoutMillis(deployment.settings.maxSessionIdleTimeoutMillis());
    }

    // ---- called by SessionHandler, one at a time, on the connection's handler thread

    /** The connection is open: {@code onOpen} of the endpoint. */
    void open() {
        deployment.sessions.add(this);
        try {
            endpoint.onOpen(this, deployment.config);
        } catch (Throwable t) {
            error(t);
        }
    }

    void receiveText(String message) {
        active();
        Inbound in = text;
        if (in == null) {
            closeForPeer(CloseReason.CloseCodes.CANNOT_ACCEPT, "text messages are not accepted");
            return;
        }
        if (message.length() > maxTextMessageBufferSize || tooBig(message, in.maxMessageBytes())) {
            closeForPeer(CloseReason.CloseCodes.TOO_BIG, "message too big");
            return;
        }
        deliver(in, message);
    }

    void receiveBinary(ByteBuffer message) {
        active();
        Inbound in = binary;
        if (in == null) {
            closeForPeer(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary messages are not accepted");
            return;
        }
        long limit = in.maxMessageBytes() < 0 ? maxBinaryMessageBufferSize
                : Math.min(in.maxMessageBytes(), maxBinaryMessageBufferSize);
        if (message.remaining() > limit) {
            closeForPeer(CloseReason.CloseCodes.TOO_BIG, "message too big");
            return;
        }
        deliver(in, message);
    }

    void receivePong(ByteBuffer data) {
        active();
        Inbound in = pong;
        if (in != null) {
            ByteBuffer applicationData = data.asReadOnlyBuffer();
            deliver(in, (PongMessage) () -> applicationData.duplicate());
        }
    }

    /** The connection ended: {@code onClose} of the endpoint, then the coders are destroyed. */
    void closed(int code, String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        idle.stop();
        CloseReason byContainer = containerClose;
        CloseReason why = byContainer != null ? byContainer
                : new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
        try {
            endpoint.onClose(this, why);
        } catch (Throwable t) {
            error(t);
        } finally {
            deployment.sessions.remove(this);
            coders.destroy();
        }
    }

    /** An error to report to the endpoint's error handling; logged if the endpoint has none or it throws. */
    void error(Throwable t) {
        if (!handlesErrors(endpoint)) {
            LOG.log(System.Logger.Level.ERROR, "session " + id + " of " + endpoint.getClass().getName() + ": " + t, t);
            return;
        }
        try {
            endpoint.onError(this, t);
        } catch (Throwable again) {
            again.addSuppressed(t);
            LOG.log(System.Logger.Level.ERROR, "onError of " + endpoint.getClass().getName() + " threw", again);
        }
    }

    private static boolean handlesErrors(Endpoint endpoint) {
        if (endpoint instanceof AnnotatedEndpoint) {
            return true; // it logs by itself when the class has no @OnError
        }
        try {
            return endpoint.getClass().getMethod("onError", Session.class, Throwable.class).getDeclaringClass()
                    != Endpoint.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private void deliver(Inbound in, Object raw) {
        try {
            in.action().take(in.convert(raw, coders));
        } catch (Throwable t) {
            error(t);
        }
    }

    private static boolean tooBig(String text, long maxBytes) {
        if (maxBytes < 0 || (long) text.length() * 3 <= maxBytes) {
            return false;
        }
        return text.length() > maxBytes || text.getBytes(StandardCharsets.UTF_8).length > maxBytes;
    }

    /** A message the peer sent cannot be taken: close with {@code code} (1003 or 1009). */
    private void closeForPeer(CloseReason.CloseCode code, String reason) {
        ws.close(code.getCode(), reason);
    }

    // ---- used by Outbound and AnnotatedEndpoint

    void active() {
        idle.active();
    }

    WebSocket webSocket() {
        return ws;
    }

    Deployment deployment() {
        return deployment;
    }

    Coders coders() {
        return coders;
    }

    /** Registers an annotated method's inbound; the model has already checked that each kind has one at most. */
    void inbound(Inbound in) {
        handlersLock.lock();
        try {
            switch (in.kind()) {
                case TEXT -> text = in;
                case BINARY -> binary = in;
                case PONG -> pong = in;
            }
        } finally {
            handlersLock.unlock();
        }
    }

    // ---- Session

    @Override
    public WebSocketContainer getContainer() {
        return deployment.container;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void addMessageHandler(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Class<?> whole = Generics.typeArgument(handler.getClass(), MessageHandler.Whole.class);
        Class<?> partial = Generics.typeArgument(handler.getClass(), MessageHandler.Partial.class);
        if (handler instanceof MessageHandler.Whole<?> w && whole != null) {
            addMessageHandler((Class) whole, (MessageHandler.Whole) w);
        } else if (handler instanceof MessageHandler.Partial<?> p && partial != null) {
            addMessageHandler((Class) partial, (MessageHandler.Partial) p);
        } else {
            throw new IllegalStateException("cannot tell which type " + handler.getClass().getName() + " takes (a "
                    + "lambda?): use addMessageHandler(Class, MessageHandler.Whole) or (Class, Partial)");
        }
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Whole<T> handler) {
        Objects.requireNonNull(handler, "handler");
        register(Inbound.whole(kind(type), type, handler));
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Partial<T> handler) {
        Objects.requireNonNull(handler, "handler");
        if (!Inbound.takesParts(type)) {
            throw new IllegalStateException("a partial handler takes String, ByteBuffer or byte[], not "
                    + type.getName());
        }
        register(Inbound.partial(kind(type), type, handler));
    }

    private Inbound.Kind kind(Class<?> type) {
        Objects.requireNonNull(type, "type");
        Inbound.Kind kind = Inbound.kindOf(type, deployment.coders);
        if (kind == null) {
            throw new IllegalStateException("no decoder for " + type.getName() + " in this endpoint's configuration");
        }
        return kind;
    }

    private void register(Inbound in) {
        handlersLock.lock();
        try {
            Inbound current = switch (in.kind()) {
                case TEXT -> text;
                case BINARY -> binary;
                case PONG -> pong;
            };
            if (current != null) {
                // Jakarta WebSocket §2.1.3: one handler per native message type
                throw new IllegalStateException("a " + in.kind().name().toLowerCase() + " message handler is "
                        + "already registered: remove it first");
            }
            inbound(in);
        } finally {
            handlersLock.unlock();
        }
    }

    @Override
    public Set<MessageHandler> getMessageHandlers() {
        var handlers = new HashSet<MessageHandler>();
        for (Inbound in : new Inbound[] {text, binary, pong}) {
            if (in != null && in.handler() != null) {
                handlers.add(in.handler());
            }
        }
        return Collections.unmodifiableSet(handlers);
    }

    @Override
    public void removeMessageHandler(MessageHandler handler) {
        handlersLock.lock();
        try {
            if (text != null && text.handler() == handler) {
                text = null;
            }
            if (binary != null && binary.handler() == handler) {
                binary = null;
            }
            if (pong != null && pong.handler() == handler) {
                pong = null;
            }
        } finally {
            handlersLock.unlock();
        }
    }

    @Override
    public String getProtocolVersion() {
        return "13";
    }

    @Override
    public String getNegotiatedSubprotocol() {
        return ws.subprotocol().orElse("");
    }

    @Override
    public List<Extension> getNegotiatedExtensions() {
        return handshake.extensions();
    }

    @Override
    public boolean isSecure() {
        return handshake.secure();
    }

    @Override
    public boolean isOpen() {
        return ws.isOpen();
    }

    @Override
    public long getMaxIdleTimeout() {
        return idle.timeoutMillis();
    }

    /** Closes the session when nothing was received or sent for {@code milliseconds}; 0 or less for never. */
    @Override
    public void setMaxIdleTimeout(long milliseconds) {
        idle.timeoutMillis(milliseconds);
    }

    /**
     * The container closes the session: the peer gets {@code code}, and {@code onClose} gets 1006 with the reason,
     * as the Jakarta specification asks (§2.1.5), so that the endpoint can tell a local close from the peer's.
     */
    void closeByContainer(CloseReason.CloseCode code, String reason) {
        containerClose = new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, reason);
        ws.close(code.getCode(), reason);
    }

    @Override
    public void setMaxBinaryMessageBufferSize(int length) {
        maxBinaryMessageBufferSize = length;
    }

    @Override
    public int getMaxBinaryMessageBufferSize() {
        return maxBinaryMessageBufferSize;
    }

    @Override
    public void setMaxTextMessageBufferSize(int length) {
        maxTextMessageBufferSize = length;
    }

    @Override
    public int getMaxTextMessageBufferSize() {
        return maxTextMessageBufferSize;
    }

    @Override
    public RemoteEndpoint.Async getAsyncRemote() {
        return outbound.async();
    }

    @Override
    public RemoteEndpoint.Basic getBasicRemote() {
        return outbound.basic();
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public void close() throws IOException {
        close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
    }

    /**
     * Starts the closing handshake with this code and reason; {@code onClose} follows when the peer has answered.
     * Closing a closed session does nothing.
     *
     * @throws IllegalArgumentException if the code may not be sent (1005, 1006, 1015, ...) or the reason is over 123
     *                                  bytes of UTF-8
     */
    @Override
    public void close(CloseReason reason) throws IOException {
        Objects.requireNonNull(reason, "reason");
        String phrase = reason.getReasonPhrase() == null ? "" : reason.getReasonPhrase();
        ws.close(reason.getCloseCode().getCode(), phrase);
    }

    @Override
    public URI getRequestURI() {
        return handshake.requestUri();
    }

    @Override
    public Map<String, List<String>> getRequestParameterMap() {
        return Collections.unmodifiableMap(Handshake.parameters(handshake.query()));
    }

    @Override
    public String getQueryString() {
        return handshake.query();
    }

    @Override
    public Map<String, String> getPathParameters() {
        return handshake.pathParameters();
    }

    @Override
    public Map<String, Object> getUserProperties() {
        return userProperties;
    }

    /** pado does not authenticate: always null. */
    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public Set<Session> getOpenSessions() {
        return deployment.sessions.stream().filter(Session::isOpen).collect(Collectors.toUnmodifiableSet());
    }

    /** The configuration of this session's endpoint. */
    EndpointConfig config() {
        return deployment.config;
    }

    @Override
    public String toString() {
        return "PadoSession[" + id + ", " + handshake.requestUri() + "]";
    }
}
