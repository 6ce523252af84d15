package io.pado.runtime;

import io.pado.Compression;
import io.pado.protocol.ExtensionFactory;
import io.pado.protocol.PerMessageDeflate;
import java.util.List;
import java.util.Optional;

/** The engine's permessage-deflate for the options' {@link Compression}: one per server or client. */
final class Compressions {
    private Compressions() {
    }

    /** The extension factories to negotiate: permessage-deflate, or none. */
    static List<ExtensionFactory> factories(Optional<Compression> compression) {
        return compression.<List<ExtensionFactory>>map(c -> List.of(PerMessageDeflate.create(
                new PerMessageDeflate.Options(c.memory() == Compression.Memory.POOLED ? PerMessageDeflate.Memory.POOLED
                        : PerMessageDeflate.Memory.CONTEXT_TAKEOVER, c.level(), c.minMessageBytes(),
                        c.serverWindowBitsToAsk(), c.minWindowBits())))).orElse(List.of());
    }
}
