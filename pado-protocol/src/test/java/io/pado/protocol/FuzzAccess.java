package io.pado.protocol;

import io.pado.protocol.extension.ExtensionFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the Jazzer targets in {@code io.pado.protocol.fuzz} need of this package beyond its public API: the engine's
 * handshakes with any {@link ExtensionFactory} (so that a target can keep the extensions the engine made and look at
 * them once it is closed), and {@link FrameOracle}'s reading of a frame stream. Test code only.
 */
public final class FuzzAccess {

    /** One frame as a receiver got it: its header fields and its payload, unmasked. */
    public record Frame(int opcode, boolean fin, int rsv, byte[] payload, boolean masked) {
    }

    /**
     * What {@link FrameOracle} makes of a stream: the events before the end, the codes the end may have, and whether
     * the end is zlib refusing compressed data.
     */
    public record Reading(List<Event> events, Set<Integer> closeCodes, boolean corruptCompressedData) {
    }

    private FuzzAccess() {
    }

    /** Accepts the upgrade request the server just reported, negotiating with {@code extensions}. */
    public static void accept(Connection server, List<ExtensionFactory> extensions) {
        server.accept(Optional.empty(), extensions, Headers.of());
    }

    /** A client's handshake for {@code uri}, offering {@code extensions} and no subprotocol. */
    public static ClientHandshake clientHandshake(URI uri, List<ExtensionFactory> extensions, byte[] key16) {
        return ClientHandshake.create(uri, List.of(), extensions, Headers.of(), Optional.empty(), key16);
    }

    /**
     * What a {@code receiver} with these limits must make of {@code frames} (whole messages), then the end of the
     * stream; {@code receiveContextTakeover}: whether it keeps its inflater between messages (RFC 7692 §7.1.1).
     */
    public static Reading oracle(Role receiver, int maxFrameBytes, int maxMessageBytes, boolean deflate,
            boolean receiveContextTakeover, List<Frame> frames) {
        var specs = new ArrayList<FrameOracle.FrameSpec>(frames.size());
        for (Frame f : frames) {
            boolean wrongMask = f.masked() != (receiver == Role.SERVER);
            specs.add(new FrameOracle.FrameSpec(f.opcode(), f.fin(), f.rsv(), f.payload(), wrongMask, 0));
        }
        FrameOracle.Expected expected = new FrameOracle(new Limits(maxFrameBytes, maxMessageBytes), deflate,
                receiveContextTakeover).receive(specs);
        return new Reading(expected.events(), expected.closeCodes(), expected.corruptCompressedData());
    }
}
