package io.pado;

import io.pado.protocol.PerMessageDeflate;

/**
 * permessage-deflate (RFC 7692): messages compressed with zlib's deflate, negotiated in the opening handshake. Set
 * it with {@link ConnectionOptions.Builder#compression}; a server then accepts a client's offer, a client makes one.
 *
 * <p>Memory is the cost that counts: the JDK's zlib takes about 300 KiB of native memory for a compressor and 40 KiB
 * for a decompressor. With {@link Memory#POOLED} (the default) both sides agree to no context takeover and codecs are
 * borrowed from a pool shared by the server's (or client's) connections for one message at a time, so an idle
 * connection holds no zlib memory; with {@link Memory#CONTEXT_TAKEOVER} each connection keeps its own, for the best
 * ratio on streams of small, similar messages. A peer that limits our window below 32 KiB is honoured by compressing
 * each message on its own and sending those larger than the window uncompressed. Immutable.
 *
 * {@snippet :
 * var compressed = ConnectionOptions.builder().compression(Compression.DEFAULT.withLevel(1)).build();
 * }
 *
 * @param memory                pooled codecs without context takeover, or context takeover per connection
 * @param level                 zlib level, 1 (fastest) to 9 (smallest), or -1 for zlib's default (6)
 * @param minMessageBytes       messages smaller than this are sent uncompressed; default 64
 * @param serverWindowBitsToAsk client: ask the server to compress with a window of at most 2^bits bytes
 *                              ({@code server_max_window_bits}, 8 to 15); 15, the default, asks nothing
 * @param minWindowBits         the smallest window a peer may impose on our compressor (8 to 15): below it a server
 *                              declines the offer and a client fails the handshake; default 8, any
 */
public record Compression(Memory memory, int level, int minMessageBytes, int serverWindowBitsToAsk,
        int minWindowBits) {

    /** How compression state is kept between messages. */
    public enum Memory { POOLED, CONTEXT_TAKEOVER }

    /** Pooled codecs, zlib's default level, messages of 64 bytes and more compressed, any window. */
    public static final Compression DEFAULT = new Compression(Memory.POOLED, -1, 64, 15, 8);

    public Compression {
        java.util.Objects.requireNonNull(memory, "memory");
        if (level != -1) {
            OptionChecks.requireRange(level, 1, 9, "level");
        }
        if (minMessageBytes < 0) {
            throw new IllegalArgumentException("minMessageBytes must not be negative: " + minMessageBytes);
        }
        OptionChecks.requireRange(serverWindowBitsToAsk, 8, 15, "serverWindowBitsToAsk");
        OptionChecks.requireRange(minWindowBits, 8, 15, "minWindowBits");
    }

    /** The engine's permessage-deflate for these settings: one per server or client, which shares its codec pool. */
    PerMessageDeflate engineFactory() {
        var engineMemory = memory == Memory.POOLED ? PerMessageDeflate.Memory.POOLED
                : PerMessageDeflate.Memory.CONTEXT_TAKEOVER;
        return PerMessageDeflate.create(new PerMessageDeflate.Options(engineMemory, level, minMessageBytes,
                serverWindowBitsToAsk, minWindowBits));
    }

    public Compression withMemory(Memory memory) {
        return new Compression(memory, level, minMessageBytes, serverWindowBitsToAsk, minWindowBits);
    }

    public Compression withLevel(int level) {
        return new Compression(memory, level, minMessageBytes, serverWindowBitsToAsk, minWindowBits);
    }

    public Compression withMinMessageBytes(int bytes) {
        return new Compression(memory, level, bytes, serverWindowBitsToAsk, minWindowBits);
    }

    public Compression withServerWindowBitsToAsk(int bits) {
        return new Compression(memory, level, minMessageBytes, bits, minWindowBits);
    }

    public Compression withMinWindowBits(int bits) {
        return new Compression(memory, level, minMessageBytes, serverWindowBitsToAsk, bits);
    }
}
