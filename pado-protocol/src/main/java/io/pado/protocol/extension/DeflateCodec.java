package io.pado.protocol.extension;

import io.pado.protocol.frame.CloseCode;
import io.pado.protocol.frame.ProtocolException;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate as one connection uses it (RFC 7692 §7.2). A direction with context takeover keeps its zlib
 * stream for the connection's life; one without borrows a codec from the pool for one message and gives it back,
 * so an idle connection holds no native memory. Not thread-safe.
 */
public final class DeflateCodec implements Extension {
    /** RFC 7692 §7.2.1: a compressed message ends with this empty stored block, removed before sending. */
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
    private static final int CHUNK_BYTES = 8192;

    private final CodecPool pool;
    private final boolean sendContextTakeover;
    private final boolean receiveContextTakeover;
    /** Largest message we compress: with a window under 32 KiB a message must fit in it (no context then). */
    private final long maxCompressedMessageBytes;
    private final int minMessageBytes;
    private final DeflateCounts counts;

    private Deflater deflater;
    private Inflater inflater;
    private ByteBuffer chunk;
    /** Whether the message being received has had any compressed bytes yet. */
    private boolean messageHasInput;

    /**
     * @param sendWindowBits the LZ77 window the peer allows us (8–15); below 15 we reset per message and send
     *                       messages larger than the window uncompressed, since the JDK's zlib always uses 15
     * @param counts         where the bytes in and out of the codecs are added up
     */
    public DeflateCodec(CodecPool pool, boolean sendContextTakeover, boolean receiveContextTakeover,
            int sendWindowBits, int minMessageBytes, DeflateCounts counts) {
        this.pool = pool;
        this.sendContextTakeover = sendContextTakeover && sendWindowBits == 15;
        this.receiveContextTakeover = receiveContextTakeover;
        this.maxCompressedMessageBytes = sendWindowBits == 15 ? Long.MAX_VALUE : 1L << sendWindowBits;
        this.minMessageBytes = minMessageBytes;
        this.counts = counts;
    }

    @Override
    public String name() {
        return "permessage-deflate";
    }

    @Override
    public int rsvBits() {
        return RSV1;
    }

    @Override
    public void decode(ByteBuffer payload, boolean endOfMessage, Consumer<ByteBuffer> out) {
        if (inflater == null) {
            inflater = pool.borrowInflater();
        }
        if (chunk == null) {
            chunk = pool.borrowChunk(CHUNK_BYTES);
        }
        int inputBytes = payload.remaining();
        messageHasInput |= inputBytes > 0;
        inflater.setInput(payload);
        long outputBytes = inflate(out);
        payload.position(payload.limit());
        if (endOfMessage) {
            // An empty payload with RSV1 is an empty message. The tail alone is not one (its 0x00 would start a
            // stored block), and with context takeover it would garble every later message: fuzz finding.
            if (messageHasInput) {
                inflater.setInput(TAIL); // an array, not a buffer wrapped per message
                outputBytes += inflate(out);
            }
            messageHasInput = false;
            if (inflater.finished()) {
                // The peer ended its stream with a final block: the next message starts a new one
                inflater.reset();
            }
            if (!receiveContextTakeover) {
                pool.giveBack(inflater);
                inflater = null;
                pool.giveBack(chunk);
                chunk = null;
            }
        }
        counts.inflated(inputBytes, outputBytes);
    }

    /**
     * Inflates all the inflater's input, handing out at most a chunk at a time so the caller can stop a bomb; returns
     * how many bytes came out.
     */
    private long inflate(Consumer<ByteBuffer> out) {
        long total = 0;
        try {
            while (true) {
                chunk.clear();
                int produced = inflater.inflate(chunk);
                if (produced == 0) {
                    if (inflater.needsDictionary()) {
                        throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "compressed data needs a dictionary");
                    }
                    break;
                }
                total += produced;
                out.accept(chunk.flip());
            }
        } catch (DataFormatException e) {
            throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "invalid compressed data");
        }
        return total;
    }

    @Override
    public int maxEncodedBytes(int messageBytes) {
        if (messageBytes < minMessageBytes || messageBytes > maxCompressedMessageBytes) {
            return -1;
        }
        return maxCompressedBytes(messageBytes);
    }

    /**
     * The most a raw deflate of {@code messageBytes} with a sync flush takes: incompressible data goes in stored
     * blocks of up to 64 KiB with 5 bytes of header each, and the flush adds an empty one; the rest is headroom.
     */
    static int maxCompressedBytes(int messageBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 8, messageBytes + 5L * (messageBytes / 16_000 + 2) + 64);
    }

    @Override
    public boolean encode(ByteBuffer message, ByteBuffer out) {
        if (maxEncodedBytes(message.remaining()) < 0) {
            return false;
        }
        if (deflater == null) {
            deflater = pool.borrowDeflater();
        }
        int start = out.position();
        compress(deflater, message, out);
        counts.deflated(message.remaining(), out.position() - start);
        if (!sendContextTakeover) {
            pool.giveBack(deflater);
            deflater = null;
        }
        return true;
    }

    /**
     * Compresses a whole message with {@code deflater} and a sync flush into {@code out}, without the trailing
     * 0x00 0x00 0xFF 0xFF (RFC 7692 §7.2.1); {@code out} needs room for {@link #maxCompressedBytes}. The message's
     * position does not move; {@code out}'s moves past the compressed bytes.
     */
    public static void compress(Deflater deflater, ByteBuffer message, ByteBuffer out) {
        deflater.setInput(message.duplicate());
        int start = out.position();
        do {
            deflater.deflate(out, Deflater.SYNC_FLUSH);
        } while (!deflater.needsInput() && out.hasRemaining());
        // A full buffer may hold an unfinished flush: never expected with maxCompressedBytes of room
        if (!deflater.needsInput() || !out.hasRemaining() || out.position() - start < TAIL.length) {
            throw new IllegalStateException("compressed message does not fit in " + (out.limit() - start)
                    + " bytes");
        }
        out.position(out.position() - TAIL.length);
    }

    /** {@link #compress(Deflater, ByteBuffer, ByteBuffer)} into a new heap buffer, positioned at 0. */
    public static ByteBuffer compress(Deflater deflater, ByteBuffer message) {
        ByteBuffer out = ByteBuffer.allocate(maxCompressedBytes(message.remaining()));
        compress(deflater, message, out);
        return out.flip();
    }

    /**
     * Whether a message of this size may be sent to this connection as a frame compressed once for many: we keep no
     * compression context, and the message is one we would compress (not too small, and within the window).
     */
    public boolean takesSharedFrames(long messageBytes) {
        return !sendContextTakeover && messageBytes >= minMessageBytes && messageBytes <= maxCompressedMessageBytes;
    }

    @Override
    public void close() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        if (chunk != null) {
            pool.giveBack(chunk);
            chunk = null;
        }
    }

    /** Whether this connection holds a zlib stream now (for tests of memory per idle connection). */
    public boolean holdsNativeMemory() {
        return deflater != null || inflater != null;
    }
}
