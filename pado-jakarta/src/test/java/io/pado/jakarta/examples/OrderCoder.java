package io.pado.jakarta.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;

/** JSON for {@link Order}s with Jackson: the decoder and the encoder of the API's examples. */
public final class OrderCoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OrderCoder() {
    }

    /** Decodes text that looks like a JSON object. */
    public static final class Decode implements Decoder.Text<Order> {
        @Override
        public Order decode(String text) throws DecodeException {
            try {
                return JSON.readValue(text, Order.class);
            } catch (JsonProcessingException e) {
                throw new DecodeException(text, "not an order", e);
            }
        }

        @Override
        public boolean willDecode(String text) {
            return text.startsWith("{");
        }
    }

    /** Encodes an order as a JSON object. */
    public static final class Encode implements Encoder.Text<Order> {
        @Override
        public String encode(Order order) throws EncodeException {
            try {
                return JSON.writeValueAsString(order);
            } catch (JsonProcessingException e) {
                throw new EncodeException(order, "cannot write", e);
            }
        }
    }
}
