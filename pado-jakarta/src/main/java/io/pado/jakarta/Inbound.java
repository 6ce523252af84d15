package io.pado.jakarta;

import jakarta.websocket.DecodeException;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What a session does with the messages of one kind (text, binary or pong): the type they are converted to, the
 * largest one accepted, and the action that takes them. A registered {@link MessageHandler} or an annotated
 * {@code @OnMessage} method. Immutable.
 *
 * @param kind            which messages
 * @param type            what the action is given: String, Reader, a primitive's box, ByteBuffer, byte[],
 *                        InputStream, PongMessage, or a decoded type
 * @param maxMessageBytes the largest message taken (UTF-8 bytes of text); larger ones close the session with 1009;
 *                        negative for no limit beyond the session's
 * @param handler         the registered handler, or null for an annotated method
 * @param action          takes the converted message
 */
record Inbound(Kind kind, Class<?> type, long maxMessageBytes, MessageHandler handler, Action action) {

    /** The three kinds of messages a Jakarta endpoint may take. */
    enum Kind { TEXT, BINARY, PONG }

    /** Takes a converted message; whatever it throws goes to the endpoint's error handling. */
    @FunctionalInterface
    interface Action {
        void take(Object message) throws Throwable;
    }

    Inbound {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
    }

    /**
     * Which kind of message a handler of {@code type} takes: text for String, Reader, primitives and text decoders;
     * binary for ByteBuffer, byte[], InputStream and binary decoders; pong for PongMessage; null when none.
     */
    static Kind kindOf(Class<?> type, CoderSpec coders) {
        if (type == String.class || type == Reader.class || Conversions.isPrimitiveOrBox(type)) {
            return Kind.TEXT;
        } else if (type == ByteBuffer.class || type == byte[].class || type == InputStream.class) {
            return Kind.BINARY;
        } else if (type == PongMessage.class) {
            return Kind.PONG;
        } else if (!coders.textDecoders(type).isEmpty()) {
            return Kind.TEXT;
        } else if (!coders.binaryDecoders(type).isEmpty()) {
            return Kind.BINARY;
        }
        return null;
    }

    /** Whether a partial handler (message, last) may take {@code type}: String, ByteBuffer or byte[] only. */
    static boolean takesParts(Class<?> type) {
        return type == String.class || type == ByteBuffer.class || type == byte[].class;
    }

    /** An inbound for a {@link MessageHandler.Whole} of {@code type}. */
    @SuppressWarnings("unchecked")
    static <T> Inbound whole(Kind kind, Class<T> type, MessageHandler.Whole<T> handler) {
        return new Inbound(kind, type, -1, handler, message -> handler.onMessage((T) message));
    }

    /** An inbound for a {@link MessageHandler.Partial}: pado hands it each message whole, as its last part. */
    @SuppressWarnings("unchecked")
    static <T> Inbound partial(Kind kind, Class<T> type, MessageHandler.Partial<T> handler) {
        return new Inbound(kind, type, -1, handler, message -> handler.onMessage((T) message, true));
    }

    /**
     * {@code raw} (a String, a read-only ByteBuffer or a PongMessage) as this inbound's {@link #type()}.
     *
     * @throws DecodeException if the text is not a value of the primitive type, or a decoder failed or declined
     */
    Object convert(Object raw, Coders coders) throws DecodeException {
        Class<?> boxed = Conversions.boxed(type);
        if (raw instanceof String text) {
            if (type == String.class) {
                return text;
            } else if (type == Reader.class) {
                return new StringReader(text);
            } else if (Conversions.isPrimitiveOrBox(boxed)) {
                try {
                    return Conversions.parse(text, boxed);
                } catch (IllegalArgumentException e) {
                    throw new DecodeException(text, "not a " + type.getName() + ": " + e.getMessage(), e);
                }
            }
            return coders.decodeText(type, text);
        } else if (raw instanceof ByteBuffer data) {
            if (type == ByteBuffer.class) {
                return data;
            } else if (type == byte[].class || type == InputStream.class) {
                byte[] bytes = new byte[data.remaining()];
                data.duplicate().get(bytes);
                return type == byte[].class ? bytes : new ByteArrayInputStream(bytes);
            }
            return coders.decodeBinary(type, data);
        }
        return raw;
    }
}
