package io.pado.protocol.extension;

import java.util.List;
import java.util.Optional;

/**
 * Negotiates one extension during the opening handshake (RFC 6455 §9) and makes the {@link Extension} that a
 * connection then uses. permessage-deflate (RFC 7692) is one. Implementations are immutable and thread-safe.
 */
public interface ExtensionFactory {

    /** The extension token, e.g. {@code permessage-deflate}. */
    String name();

    /** Client side: the offers to send, in order of preference. */
    List<ExtensionOffer> clientOffers();

    /**
     * Server side: the client's offers with this factory's name, in the client's order. Accept at most one:
     * return what to answer and the extension to use, or empty to decline them all.
     */
    Optional<Accepted> acceptOffers(List<ExtensionOffer> offers);

    /**
     * Client side: the server accepted with {@code response}. Return the extension to use, or throw
     * {@link IllegalArgumentException} with a readable reason if the response is not one this client may accept;
     * the handshake then fails.
     */
    Extension acceptResponse(ExtensionOffer response);

    /** A server's acceptance: the header element to answer with and the extension for the connection. */
    record Accepted(ExtensionOffer response, Extension extension) {
    }
}
