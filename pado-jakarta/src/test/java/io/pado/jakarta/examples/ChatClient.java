package io.pado.jakarta.examples;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** An annotated client that keeps what it receives, for the tests to read. */
@ClientEndpoint(subprotocols = {"chat.v1"})
public class ChatClient {
    public final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    public final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

    @OnMessage
    public void onMessage(String message) {
        received.add(message);
    }

    @OnClose
    public void onClose(CloseReason reason) {
        closed.complete(reason);
    }
}
