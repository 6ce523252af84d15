package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import io.pado.protocol.extension.CodecPool;
import io.pado.protocol.extension.DeflateCodec;
import io.pado.protocol.extension.DeflateCounts;
import io.pado.protocol.frame.FrameWriter;
import io.pado.protocol.frame.Opcode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.Deflater;

/**
 * The permessage-deflate extension (RFC 7692): negotiation for both roles, and the codec each connection uses.
 *
 * <p>Memory is the cost that counts here: the JDK's zlib takes about 300 KiB of native memory for a compressor and
 * 40 KiB for a decompressor, and cannot use a smaller window. Two modes:
 * <ul>
 *   <li>{@link Memory#POOLED} (the default): both sides agree to no context takeover, and codecs are borrowed from a
 *       pool for one message at a time. An idle connection holds no zlib memory; the ratio is lower on streams of
 *       small, similar messages.</li>
 *   <li>{@link Memory#CONTEXT_TAKEOVER}: each connection keeps its own compressor and decompressor: the best
 *       ratio.</li>
 * </ul>
 * A peer that limits our window below 32 KiB ({@code server_max_window_bits} or {@code client_max_window_bits} under
 * 15) is honoured without a smaller zlib window: we compress each message on its own and send those larger than the
 * window uncompressed, so no back-reference can reach past it.
 *
 * <p>Immutable and thread-safe: one instance serves every connection of a server or client.
 */
public final class PerMessageDeflate implements ExtensionFactory {
    static final String NAME = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** How compression state is kept between messages. */
    public enum Memory { POOLED, CONTEXT_TAKEOVER }

    /**
     * @param memory          pooled codecs without context takeover, or context takeover per connection
     * @param level           zlib level, 1 (fastest) to 9 (smallest)
     * @param minMessageBytes messages smaller than this are sent uncompressed (RSV1 is set per message)
     * @param serverWindowBitsToAsk client role: ask the server to compress with a window of at most 2^bits bytes
     *                        ({@code server_max_window_bits}, 8 to 15), which saves a server memory. A first offer
     *                        carries the limit and a second one does not, so a server that cannot limit its window
     *                        still compresses. 15 (the default) asks nothing
     * @param minWindowBits   the smallest window a peer may impose on our compressor: {@code server_max_window_bits}
     *                        in a client's offer, {@code client_max_window_bits} in a server's response (8 to 15). We
     *                        honour a limit below 15 by compressing each message alone and sending those larger than
     *                        the window uncompressed, so a small limit costs ratio. Below this, a server declines the
     *                        offer and a client fails the handshake. Default 8: any limit is accepted
     */
    public record Options(Memory memory, int level, int minMessageBytes, int serverWindowBitsToAsk,
            int minWindowBits) {
        /** Pooled codecs, level 6, messages of 64 bytes and more compressed, no window asked for, any accepted. */
        public static final Options DEFAULT = new Options(Memory.POOLED, Deflater.DEFAULT_COMPRESSION, 64, 15, 8);

        public Options {
            Objects.requireNonNull(memory, "memory");
            if (level != Deflater.DEFAULT_COMPRESSION && (level < 1 || level > 9)) {
                throw new IllegalArgumentException("level must be 1 to 9: " + level);
            }
            if (minMessageBytes < 0) {
                throw new IllegalArgumentException("negative minMessageBytes: " + minMessageBytes);
            }
            if (serverWindowBitsToAsk < 8 || serverWindowBitsToAsk > 15) {
                throw new IllegalArgumentException("serverWindowBitsToAsk must be 8 to 15: " + serverWindowBitsToAsk);
            }
            if (minWindowBits < 8 || minWindowBits > 15) {
                throw new IllegalArgumentException("minWindowBits must be 8 to 15: " + minWindowBits);
            }
        }

        public Options withMemory(Memory memory) {
            return new Options(memory, level, minMessageBytes, serverWindowBitsToAsk, minWindowBits);
        }

        public Options withLevel(int level) {
            return new Options(memory, level, minMessageBytes, serverWindowBitsToAsk, minWindowBits);
        }

        public Options withMinMessageBytes(int bytes) {
            return new Options(memory, level, bytes, serverWindowBitsToAsk, minWindowBits);
        }

        /** Client role: ask the server for a window of at most 2^bits bytes; see {@link Options}. */
        public Options withServerWindowBitsToAsk(int bits) {
            return new Options(memory, level, minMessageBytes, bits, minWindowBits);
        }

        /** The smallest window a peer may impose on our compressor; see {@link Options}. */
        public Options withMinWindowBits(int bits) {
            return new Options(memory, level, minMessageBytes, serverWindowBitsToAsk, bits);
        }
    }

    private final Options options;
    private final CodecPool pool;
    private final DeflateCounts counts = new DeflateCounts();

    private PerMessageDeflate(Options options) {
        this.options = options;
        this.pool = new CodecPool(options.level(), 2 * Runtime.getRuntime().availableProcessors());
    }

    /** A factory with these options; keep one per server or client so its codec pool is shared. */
    public static PerMessageDeflate create(Options options) {
        return new PerMessageDeflate(Objects.requireNonNull(options, "options"));
    }

    public Options options() {
        return options;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ExtensionOffer> clientOffers() {
        var parameters = new ArrayList<ExtensionOffer.Parameter>();
        if (options.memory() == Memory.POOLED) {
            parameters.add(new ExtensionOffer.Parameter(SERVER_NO_CONTEXT_TAKEOVER, null));
            parameters.add(new ExtensionOffer.Parameter(CLIENT_NO_CONTEXT_TAKEOVER, null));
        }
        // We can honour any window the server asks of us (see the class comment)
        parameters.add(new ExtensionOffer.Parameter(CLIENT_MAX_WINDOW_BITS, null));
        var plain = new ExtensionOffer(NAME, parameters);
        if (options.serverWindowBitsToAsk() == 15) {
            return List.of(plain);
        }
        // Preferred first: the same offer with a limit on the server's window (RFC 7692 §7.1.2.1)
        var limited = new ArrayList<>(parameters);
        limited.add(new ExtensionOffer.Parameter(SERVER_MAX_WINDOW_BITS,
                Integer.toString(options.serverWindowBitsToAsk())));
        return List.of(new ExtensionOffer(NAME, limited), plain);
    }

    /** RFC 7692 §7.1: accept the first offer whose parameters are all known, single and valid; decline the others. */
    @Override
    public Optional<Accepted> acceptOffers(List<ExtensionOffer> offers) {
        for (ExtensionOffer offer : offers) {
            Parameters p = Parameters.parse(offer, Role.SERVER);
            if (p == null || p.serverMaxWindowBits < options.minWindowBits()) {
                continue; // invalid, or a window smaller than we agree to: try the next offer
            }
            var response = new ArrayList<ExtensionOffer.Parameter>();
            boolean pooled = options.memory() == Memory.POOLED;
            boolean serverNoContext = p.serverNoContextTakeover || pooled;
            if (serverNoContext) {
                response.add(new ExtensionOffer.Parameter(SERVER_NO_CONTEXT_TAKEOVER, null));
            }
            // Binding only once answered (§7.1.1.2): answered, it lets us drop the decompressor between messages
            boolean clientNoContext = p.clientNoContextTakeover || pooled;
            if (clientNoContext) {
                response.add(new ExtensionOffer.Parameter(CLIENT_NO_CONTEXT_TAKEOVER, null));
            }
            int serverWindow = p.serverMaxWindowBits;
            if (serverWindow < 15) {
                response.add(new ExtensionOffer.Parameter(SERVER_MAX_WINDOW_BITS, Integer.toString(serverWindow)));
            }
            var codec = new DeflateCodec(pool, !serverNoContext, !clientNoContext, serverWindow,
                    options.minMessageBytes(), counts);
            return Optional.of(new Accepted(new ExtensionOffer(NAME, response), codec));
        }
        return Optional.empty();
    }

    @Override
    public Extension acceptResponse(ExtensionOffer response) {
        Parameters p = Parameters.parse(response, Role.CLIENT);
        if (p == null) {
            throw new IllegalArgumentException("invalid permessage-deflate response: " + response);
        }
        if (p.clientMaxWindowBits < options.minWindowBits()) {
            throw new IllegalArgumentException("server limits our window to " + p.clientMaxWindowBits
                    + " bits, below the minimum of " + options.minWindowBits() + ": " + response);
        }
        if (options.memory() == Memory.POOLED && !p.serverNoContextTakeover) {
            // We offered server_no_context_takeover; a server that accepts the offer must honour it
            throw new IllegalArgumentException("server ignored server_no_context_takeover: " + response);
        }
        boolean clientContext = !p.clientNoContextTakeover && options.memory() == Memory.CONTEXT_TAKEOVER;
        return new DeflateCodec(pool, clientContext, !p.serverNoContextTakeover, p.clientMaxWindowBits,
                options.minMessageBytes(), counts);
    }

    /**
     * Encodes a text message once as a compressed server frame (RSV1 set), for {@link Connection#sendEncoded} to every
     * connection for which {@link #takesSharedFrames} holds; the others get {@link ServerFrames#text}.
     */
    public ByteBuffer encodeServerText(CharSequence text) {
        return encodeServerFrame(Opcode.TEXT, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Encodes a text message already in UTF-8 (its remaining bytes) once as a compressed server frame. */
    public ByteBuffer encodeServerTextUtf8(ByteBuffer utf8) {
        return encodeServerFrame(Opcode.TEXT, utf8.duplicate());
    }

    /** Encodes a binary message once as a compressed server frame; see {@link #encodeServerText}. */
    public ByteBuffer encodeServerBinary(ByteBuffer data) {
        return encodeServerFrame(Opcode.BINARY, data);
    }

    private ByteBuffer encodeServerFrame(int opcode, ByteBuffer payload) {
        Deflater deflater = pool.borrowDeflater();
        ByteBuffer compressed;
        try {
            compressed = DeflateCodec.compress(deflater, payload);
        } finally {
            pool.giveBack(deflater);
        }
        int length = compressed.remaining();
        counts.deflated(payload.remaining(), length); // once, however many connections the frame goes to
        ByteBuffer frame = ByteBuffer.allocate(FrameWriter.headerBytes(length, false) + length);
        FrameWriter.writeHeader(frame, 0x80 | Extension.RSV1 | opcode, length, false, 0);
        frame.put(compressed);
        return frame.flip().asReadOnlyBuffer();
    }

    /**
     * Whether a connection with these negotiated extensions may be sent a frame from {@link #encodeServerText} or
     * {@link #encodeServerBinary} for a message of {@code messageBytes}: it uses permessage-deflate without server
     * context takeover, and we would compress such a message for it.
     */
    static boolean takesSharedFrames(List<Extension> negotiated, long messageBytes) {
        for (Extension extension : negotiated) {
            if (extension instanceof DeflateCodec codec) {
                return codec.takesSharedFrames(messageBytes);
            }
        }
        return false;
    }

    /** Bytes given to the deflaters of every connection (and of frames compressed once for many) so far. */
    public long deflateInputBytes() {
        return counts.deflateInputBytes();
    }

    /** Bytes the deflaters gave out for those: the compressed payloads sent. */
    public long deflateOutputBytes() {
        return counts.deflateOutputBytes();
    }

    /** Compressed payload bytes received and given to the inflaters so far. */
    public long inflateInputBytes() {
        return counts.inflateInputBytes();
    }

    /** Bytes the inflaters gave out for those: the received messages' payloads. */
    public long inflateOutputBytes() {
        return counts.inflateOutputBytes();
    }

    /** Pooled codecs waiting for a message (for tests and metrics). */
    public int idleCodecs() {
        return pool.idle();
    }

    /** The parameters of one offer or response, or null from {@link #parse} if they break RFC 7692 §7.1. */
    private record Parameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
            int serverMaxWindowBits, int clientMaxWindowBits) {

        static Parameters parse(ExtensionOffer offer, Role readBy) {
            if (!offer.name().equals(NAME)) {
                return null;
            }
            boolean serverNoContext = false;
            boolean clientNoContext = false;
            int serverBits = 15;
            int clientBits = 15;
            Set<String> seen = new HashSet<>();
            for (ExtensionOffer.Parameter parameter : offer.parameters()) {
                String name = parameter.name().toLowerCase(java.util.Locale.ROOT);
                if (!seen.add(name)) {
                    return null; // a parameter may appear once
                }
                String value = parameter.value();
                switch (name) {
                    case SERVER_NO_CONTEXT_TAKEOVER, CLIENT_NO_CONTEXT_TAKEOVER -> {
                        if (value != null) {
                            return null;
                        }
                        if (name.equals(SERVER_NO_CONTEXT_TAKEOVER)) {
                            serverNoContext = true;
                        } else {
                            clientNoContext = true;
                        }
                    }
                    case SERVER_MAX_WINDOW_BITS -> {
                        serverBits = windowBits(value);
                        if (serverBits < 0) {
                            return null;
                        }
                    }
                    case CLIENT_MAX_WINDOW_BITS -> {
                        // Offered without a value, it only says the client could take a limit (§7.1.2.2)
                        if (value == null && readBy == Role.SERVER) {
                            continue;
                        }
                        clientBits = windowBits(value);
                        if (clientBits < 0) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return new Parameters(serverNoContext, clientNoContext, serverBits, clientBits);
        }

        /** 8 to 15 in decimal without leading zeros (RFC 7692 §7.1.2), else -1. */
        private static int windowBits(String value) {
            if (value == null || !value.matches("[1-9][0-9]?")) {
                return -1;
            }
            int bits = Integer.parseInt(value);
            return bits >= 8 && bits <= 15 ? bits : -1;
        }
    }
}
