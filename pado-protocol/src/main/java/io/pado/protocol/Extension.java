package io.pado.protocol;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A negotiated extension as one connection uses it: it may transform each message's payload and owns the RSV bits
 * that mark a transformed message (RFC 6455 §5.2, §9). One instance per connection; not thread-safe.
 */
public interface Extension {

    /** RSV1 in the first header byte. */
    int RSV1 = 0x40;
    /** RSV2 in the first header byte. */
    int RSV2 = 0x20;
    /** RSV3 in the first header byte. */
    int RSV3 = 0x10;

    /** The extension token, e.g. {@code permessage-deflate}. */
    String name();

    /** The RSV bits (of {@link #RSV1}, {@link #RSV2}, {@link #RSV3}) this extension may set on a message's first frame. */
    int rsvBits();

    /**
     * Decodes the next piece of a received message whose first frame carried this extension's RSV bits.
     * Decoded bytes go to {@code out}, which may throw {@link ProtocolException} (1009) when a limit is passed:
     * implementations must push output in bounded pieces while decoding, never all at the end.
     *
     * @param payload       the frame payload, read fully (its position moves to its limit)
     * @param endOfMessage  whether this is the last frame of the message
     * @param out           receives decoded bytes; each buffer is valid only during the call
     * @throws ProtocolException if the payload is not valid for this extension
     */
    void decode(ByteBuffer payload, boolean endOfMessage, Consumer<ByteBuffer> out);

    /**
     * Encodes a whole message to send. Returns the encoded payload in a new buffer that the caller then owns, or
     * null to send this message as it is, without this extension's RSV bits.
     *
     * @param message the payload; not modified, its position does not move
     */
    ByteBuffer encode(ByteBuffer message);

    /**
     * {@link #encode(ByteBuffer)}, but with the result in a buffer from {@code buffers} where the extension can: the
     * caller copies the encoded bytes into its frames at once and then gives the buffer back to {@code buffers}, so
     * that encoding allocates nothing. The default returns {@code encode(message)}, a buffer {@code buffers} did not
     * lend and ignores when it is given back.
     *
     * @param message the payload; not modified, its position does not move
     */
    default ByteBuffer encode(ByteBuffer message, FrameBuffers buffers) {
        return encode(message);
    }

    /** Frees what the extension holds (native compressor memory). Called once, when the connection ends. */
    void close();
}
