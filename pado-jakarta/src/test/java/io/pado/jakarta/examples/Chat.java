package io.pado.jakarta.examples;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Jakarta API's own kind of example: an annotated chat room that broadcasts every message to every session of
 * the endpoint. Plain Jakarta code, run unchanged on Jetty and on pado by the tests.
 *
 * <p>A {@code RemoteEndpoint.Basic} may not be used by two threads at once (Jetty throws when it is), and a broadcast
 * sends to a peer from the sender's thread: so each endpoint instance sends to its own session under its own lock,
 * and peers find that instance in their user properties.
 */
@ServerEndpoint(value = "/chat", subprotocols = {"chat.v2", "chat.v1"})
public class Chat {
    private final ReentrantLock sending = new ReentrantLock();
    private Session session;

    @OnOpen
    public void onOpen(Session session) throws IOException {
        this.session = session;
        // Whether getOpenSessions() holds the session in its own @OnOpen differs between containers: count the others.
        long others = session.getOpenSessions().stream().filter(s -> !s.getId().equals(session.getId())).count();
        session.getUserProperties().put("name", "guest-" + (others + 1));
        session.getUserProperties().put("endpoint", this);
        send("welcome " + session.getUserProperties().get("name") + " (" + session.getNegotiatedSubprotocol() + ")");
    }

    @OnMessage
    public void onMessage(String message, Session session) throws IOException {
        if (message.equals("/bye")) {
            session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            return;
        }
        String line = session.getUserProperties().get("name") + ": " + message;
        for (Session peer : session.getOpenSessions()) {
            if (peer.getUserProperties().get("endpoint") instanceof Chat chat) {
                chat.send(line);
            }
        }
    }

    @OnMessage
    public void onBinary(ByteBuffer data) throws IOException {
        send("binary " + data.remaining());
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        // nothing to tell the others: they only see messages
    }

    @OnError
    public void onError(Session session, Throwable error) {
        // a peer that went away while we sent to it
    }

    private void send(String text) throws IOException {
        sending.lock();
        try {
            if (session.isOpen()) {
                session.getBasicRemote().sendText(text);
            }
        } finally {
            sending.unlock();
        }
    }
}
