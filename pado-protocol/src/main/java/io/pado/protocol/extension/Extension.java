package io.pado.protocol.extension;

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

    /** The RSV bits ({@link #RSV1}, {@link #RSV2}, {@link #RSV3}) this extension may set on a message's first frame. */
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
     * The most bytes {@link #encode} may write for a message of {@code messageBytes}, or -1 if this extension does
     * not encode such a message (it is then sent as it is, without this extension's RSV bits).
     */
    int maxEncodedBytes(int messageBytes);

    /**
     * Encodes a whole message to send into {@code out}, which has room for {@link #maxEncodedBytes} bytes; its
     * position moves past what was written. Returns false, writing nothing, to send the message as it is.
     *
     * @param message the payload; not modified, its position does not move
     */
    boolean encode(ByteBuffer message, ByteBuffer out);

    /** Frees what the extension holds (native compressor memory). Called once, when the connection ends. */
    void close();
}
