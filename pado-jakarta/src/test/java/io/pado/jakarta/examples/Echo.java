package io.pado.jakarta.examples;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** The API's programmatic echo: text back as it came, binary back through the async remote. */
public class Echo extends Endpoint {

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        RemoteEndpoint.Basic basic = session.getBasicRemote();
        session.addMessageHandler(new MessageHandler.Whole<String>() {
            @Override
            public void onMessage(String text) {
                try {
                    basic.sendText(text);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        session.addMessageHandler(ByteBuffer.class, data -> session.getAsyncRemote().sendBinary(data));
    }
}
