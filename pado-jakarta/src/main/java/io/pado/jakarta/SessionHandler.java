package io.pado.jakarta;

import io.pado.Handler;
import io.pado.WebSocket;
import jakarta.websocket.Endpoint;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pado {@link Handler} of a deployed Jakarta endpoint: it makes a {@link PadoSession} when a connection opens and
 * hands it each event. pado calls it one event at a time per connection, on virtual threads; connections of a
 * server endpoint share it, a client connection has its own.
 */
final class SessionHandler implements Handler {
    private static final System.Logger LOG = System.getLogger(SessionHandler.class.getName());

    private final Deployment deployment;
    private final Function<WebSocket, Handshake> handshakes;
    private final Consumer<PadoSession> beforeOpen;
    private final Consumer<PadoSession> afterOpen;
    private final Consumer<PadoSession> afterClose;
    /** Put and removed by each connection's handler thread, one connection each. */
    private final Map<WebSocket, PadoSession> sessions = new ConcurrentHashMap<>();

    /**
     * @param handshakes what a new session knows of its handshake
     * @param beforeOpen runs before the endpoint's {@code onOpen} (a client's {@code afterResponse})
     * @param afterOpen  runs after it, even if it threw; with null when no endpoint could be made for the connection
     * @param afterClose runs after the endpoint's {@code onClose}
     */
    SessionHandler(Deployment deployment, Function<WebSocket, Handshake> handshakes, Consumer<PadoSession> beforeOpen,
            Consumer<PadoSession> afterOpen, Consumer<PadoSession> afterClose) {
        this.deployment = deployment;
        this.handshakes = handshakes;
        this.beforeOpen = beforeOpen;
        this.afterOpen = afterOpen;
        this.afterClose = afterClose;
    }

    @Override
    public void onOpen(WebSocket ws) {
        Coders coders;
        Endpoint endpoint;
        try {
            coders = deployment.coders.open(deployment.config);
        } catch (InstantiationException e) {
            refuse(ws, e);
            return;
        }
        try {
            endpoint = deployment.instances.create();
        } catch (InstantiationException | RuntimeException e) {
            coders.destroy();
            refuse(ws, e);
            return;
        }
        var session = new PadoSession(ws, deployment, handshakes.apply(ws), coders, endpoint);
        sessions.put(ws, session);
        try {
            beforeOpen.accept(session);
            session.open();
        } catch (RuntimeException e) {
            session.error(e);
        } finally {
            afterOpen.accept(session);
        }
    }

    /** No endpoint for this connection: log why, close with 1011 (internal error, no details to the peer). */
    private void refuse(WebSocket ws, Exception e) {
        LOG.log(System.Logger.Level.ERROR, "cannot open an endpoint of " + deployment.config + ": " + e, e);
        ws.close(1011, "");
        afterOpen.accept(null);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        PadoSession session = sessions.get(ws);
        if (session != null) {
            session.receiveText(text);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        PadoSession session = sessions.get(ws);
        if (session != null) {
            session.receiveBinary(data);
        }
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        PadoSession session = sessions.get(ws);
        if (session != null) {
            session.receivePong(data);
        }
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        PadoSession session = sessions.get(ws);
        if (session != null) {
            session.error(error);
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        PadoSession session = sessions.remove(ws);
        if (session != null) {
            try {
                session.closed(code, reason);
            } finally {
                afterClose.accept(session);
            }
        }
    }
}
