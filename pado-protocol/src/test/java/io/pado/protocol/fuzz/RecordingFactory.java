package io.pado.protocol.fuzz;

import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.extension.DeflateCodec;
import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * permessage-deflate as the engine negotiates it, keeping what it agreed and every codec it made, so that a target
 * can check them after the connection ends: {@link DeflateCodec#holdsNativeMemory()} is the engine's only sign of
 * the zlib memory a codec holds. One per connection.
 */
final class RecordingFactory implements ExtensionFactory {
    private final PerMessageDeflate deflate;
    private final List<DeflateCodec> made = new ArrayList<>();
    private ExtensionOffer agreed;

    /** @param deflate the factory to negotiate with, or null for none (nothing is offered or accepted) */
    RecordingFactory(PerMessageDeflate deflate) {
        this.deflate = deflate;
    }

    List<ExtensionFactory> asList() {
        return deflate == null ? List.of() : List.of(this);
    }

    /** The response element the two sides agreed on, once they did. */
    Optional<ExtensionOffer> agreed() {
        return Optional.ofNullable(agreed);
    }

    PerMessageDeflate.Options options() {
        return deflate.options();
    }

    /** Whether a codec this made still holds a zlib stream. */
    boolean holdsNativeMemory() {
        return made.stream().anyMatch(DeflateCodec::holdsNativeMemory);
    }

    @Override
    public String name() {
        return deflate.name();
    }

    @Override
    public List<ExtensionOffer> clientOffers() {
        return deflate.clientOffers();
    }

    @Override
    public Optional<Accepted> acceptOffers(List<ExtensionOffer> offers) {
        Optional<Accepted> accepted = deflate.acceptOffers(offers);
        accepted.ifPresent(a -> {
            made.add((DeflateCodec) a.extension());
            agreed = a.response();
        });
        return accepted;
    }

    @Override
    public Extension acceptResponse(ExtensionOffer response) {
        Extension extension = deflate.acceptResponse(response);
        made.add((DeflateCodec) extension);
        agreed = response;
        return extension;
    }
}
