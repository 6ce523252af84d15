package io.pado.protocol.fuzz;

import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.Role;
import io.pado.protocol.EngineOptions;

/**
 * The engine {@link ConnectionFuzzer} makes, from byte 0 of its input: bit 0 the role (server, client), bit 1 whether
 * the target feeds a valid opening first, bits 2-3 the limits, bit 4 the delivery (whole messages, parts), bits 5-7
 * permessage-deflate ({@link Compression}).
 */
record EngineSetup(Role role, boolean validOpening, int maxFrameBytes, int maxMessageBytes,
        EngineOptions.Delivery delivery, Compression compression) {

    /** Frame and message limits: small, so that inputs of a few hundred bytes reach them. */
    private static final int[][] LIMITS = {{125, 125}, {256, 1024}, {1024, 8192}, {4096, 1 << 20}};

    static EngineSetup of(int setting) {
        int[] limits = LIMITS[(setting >> 2) & 3];
        return new EngineSetup((setting & 1) == 0 ? Role.SERVER : Role.CLIENT, (setting & 2) != 0, limits[0],
                limits[1], (setting & 0x10) == 0 ? EngineOptions.Delivery.MESSAGES : EngineOptions.Delivery.PARTS,
                Compression.values()[(setting >> 5) & 7]);
    }

    EngineOptions options() {
        return EngineOptions.DEFAULT.withMaxMessageBytes(maxMessageBytes).withMaxFrameBytes(maxFrameBytes)
                .withDelivery(delivery);
    }

    /**
     * permessage-deflate as the engine is configured and, when the target feeds the opening, as the peer offers it (a
     * server's engine gets {@code offer}) or answers it (a client's engine gets {@code answer}; null: no extension in
     * the 101). Each has one factory for the whole run, so its codec pool is shared as a server's is.
     */
    enum Compression {
        NONE(null, null, null),
        /** The default: pooled codecs, no context takeover either way. */
        POOLED(PerMessageDeflate.Options.DEFAULT, "permessage-deflate; client_max_window_bits",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
        /** One deflate stream each way for the connection's life (RFC 7692 §7.2.2). */
        CONTEXT_TAKEOVER(context(), "permessage-deflate", "permessage-deflate"),
        /** We keep our compression context; the peer resets its own, so our inflater does per message. */
        PEER_WITHOUT_CONTEXT(context(), "permessage-deflate; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover"),
        /** The peer keeps its context; we reset ours per message. */
        OWN_WITHOUT_CONTEXT(context(), "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; client_no_context_takeover"),
        /** Windows below 32 KiB: we compress each message alone and send larger ones uncompressed. */
        SMALL_WINDOWS(context().withServerWindowBitsToAsk(10),
                "permessage-deflate; server_max_window_bits=10; client_max_window_bits",
                "permessage-deflate; server_max_window_bits=10; client_max_window_bits=9"),
        /** Offered but not agreed: a server that takes no window under 4 KiB, a 101 without the extension. */
        DECLINED(PerMessageDeflate.Options.DEFAULT.withMinWindowBits(12),
                "permessage-deflate; server_max_window_bits=9", null),
        /** Every message compressed, the empty one too, at level 1. */
        EVERY_MESSAGE(PerMessageDeflate.Options.DEFAULT.withMinMessageBytes(0).withLevel(1),
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover");

        final PerMessageDeflate factory;
        final String offer;
        final String answer;

        Compression(PerMessageDeflate.Options options, String offer, String answer) {
            this.factory = options == null ? null : PerMessageDeflate.create(options);
            this.offer = offer;
            this.answer = answer;
        }

        private static PerMessageDeflate.Options context() {
            return PerMessageDeflate.Options.DEFAULT.withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER);
        }
    }
}
