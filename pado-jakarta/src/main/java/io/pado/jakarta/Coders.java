package io.pado.jakarta;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The encoder and decoder instances of one session: they decode whole messages into the types handlers ask for and
 * encode what {@code sendObject} is given. Used by one session; the decoders are called one message at a time, the
 * encoders by any thread that sends, so an encoder is only as thread-safe as its author made it (as in every Jakarta
 * container).
 */
final class Coders {
    private static final System.Logger LOG = System.getLogger(Coders.class.getName());

    /** An encoded message: text or binary. */
    sealed interface Encoded {
        record Text(String text) implements Encoded {}

        record Binary(ByteBuffer data) implements Encoded {}
    }

    private final CoderSpec spec;
    private final List<Decoder> decoders;
    private final List<Encoder> encoders;

    Coders(CoderSpec spec, List<Decoder> decoders, List<Encoder> encoders) {
        this.spec = spec;
        this.decoders = decoders;
        this.encoders = encoders;
    }

    /**
     * {@code text} decoded as a {@code type} by the first text decoder of that type that will decode it.
     *
     * @throws DecodeException if a decoder failed, or none of them will decode this text
     */
    Object decodeText(Class<?> type, String text) throws DecodeException {
        for (int i = 0; i < decoders.size(); i++) {
            CoderSpec.Entry entry = spec.decoders().get(i);
            if (!entry.isText() || !type.isAssignableFrom(entry.type())) {
                continue;
            }
            Decoder decoder = decoders.get(i);
            try {
                if (decoder instanceof Decoder.Text<?> t) {
                    if (t.willDecode(text)) {
                        return t.decode(text);
                    }
                } else {
                    return ((Decoder.TextStream<?>) decoder).decode(new StringReader(text));
                }
            } catch (IOException e) {
                throw new DecodeException(text, "the decoder " + entry.coderClass().getName() + " failed", e);
            }
        }
        throw new DecodeException(text, "no decoder of " + type.getName() + " will decode this text message");
    }

    /**
     * {@code data} decoded as a {@code type} by the first binary decoder of that type that will decode it. Each
     * decoder sees the message from its start.
     *
     * @throws DecodeException if a decoder failed, or none of them will decode this message
     */
    Object decodeBinary(Class<?> type, ByteBuffer data) throws DecodeException {
        for (int i = 0; i < decoders.size(); i++) {
            CoderSpec.Entry entry = spec.decoders().get(i);
            if (entry.isText() || !type.isAssignableFrom(entry.type())) {
                continue;
            }
            Decoder decoder = decoders.get(i);
            try {
                if (decoder instanceof Decoder.Binary<?> b) {
                    if (b.willDecode(data.duplicate())) {
                        return b.decode(data.duplicate());
                    }
                } else {
                    byte[] bytes = new byte[data.remaining()];
                    data.duplicate().get(bytes);
                    return ((Decoder.BinaryStream<?>) decoder).decode(new ByteArrayInputStream(bytes));
                }
            } catch (IOException e) {
                throw new DecodeException(data, "the decoder " + entry.coderClass().getName() + " failed", e);
            }
        }
        throw new DecodeException(data, "no decoder of " + type.getName() + " will decode this binary message");
    }

    /**
     * {@code value} as a message: by the first encoder whose type it is an instance of, else as text for a String or
     * a primitive's box, as binary for a ByteBuffer or a byte array.
     *
     * @throws EncodeException if the encoder failed or there is none for this value
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Encoded encode(Object value) throws EncodeException {
        for (int i = 0; i < encoders.size(); i++) {
            CoderSpec.Entry entry = spec.encoders().get(i);
            if (!entry.type().isInstance(value)) {
                continue;
            }
            Encoder encoder = encoders.get(i);
            try {
                return switch (entry.kind()) {
                    case TEXT -> new Encoded.Text(((Encoder.Text) encoder).encode(value));
                    case BINARY -> new Encoded.Binary(((Encoder.Binary) encoder).encode(value));
                    case TEXT_STREAM -> {
                        var writer = new StringWriter();
                        ((Encoder.TextStream) encoder).encode(value, writer);
                        yield new Encoded.Text(writer.toString());
                    }
                    case BINARY_STREAM -> {
                        var out = new ByteArrayOutputStream();
                        ((Encoder.BinaryStream) encoder).encode(value, out);
                        yield new Encoded.Binary(ByteBuffer.wrap(out.toByteArray()));
                    }
                };
            } catch (IOException e) {
                throw new EncodeException(value, "the encoder " + entry.coderClass().getName() + " failed", e);
            }
        }
        if (value instanceof String s) {
            return new Encoded.Text(s);
        } else if (value instanceof ByteBuffer b) {
            return new Encoded.Binary(b);
        } else if (value instanceof byte[] bytes) {
            return new Encoded.Binary(ByteBuffer.wrap(bytes));
        } else if (value != null && Conversions.isPrimitiveOrBox(value.getClass())) {
            return new Encoded.Text(String.valueOf(value));
        }
        throw new EncodeException(value, "no encoder for " + (value == null ? "null" : value.getClass().getName()));
    }

    /** Calls {@code destroy} on every coder; one that throws is logged and the others still destroyed. */
    void destroy() {
        for (Decoder d : decoders) {
            try {
                d.destroy();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "decoder " + d.getClass().getName() + " threw in destroy", e);
            }
        }
        for (Encoder e : encoders) {
            try {
                e.destroy();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.ERROR, "encoder " + e.getClass().getName() + " threw in destroy", ex);
            }
        }
    }
}
