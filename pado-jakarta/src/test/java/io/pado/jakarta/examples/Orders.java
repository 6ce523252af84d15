package io.pado.jakarta.examples;

import jakarta.websocket.DecodeException;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;

/**
 * JSON in and out through a decoder and an encoder: an order comes in, the same order doubled goes back (the
 * method's return value); text that is not an order is reported to {@code @OnError}, which answers with the error.
 */
@ServerEndpoint(value = "/orders", decoders = OrderCoder.Decode.class, encoders = OrderCoder.Encode.class)
public class Orders {

    @OnMessage
    public Order onOrder(Order order) {
        return new Order(order.item(), order.quantity() * 2);
    }

    @OnError
    public void onError(Session session, Throwable error) throws IOException {
        if (session.isOpen()) {
            session.getBasicRemote().sendText("error: " + (error instanceof DecodeException ? "decode" : "other"));
        }
    }
}
