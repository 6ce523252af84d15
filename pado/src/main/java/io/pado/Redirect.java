package io.pado;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a 3xx answer to an opening handshake leads (RFC 9110 §15.4), and whether the client may follow it: http(s)
 * becomes ws(s), wss never becomes ws, and the chain is bounded and loop-free. Stateless.
 */
final class Redirect {
    /** RFC 9110 §15.4: the statuses with a Location to follow; 300 and 304 have none to follow blindly. */
    private static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);

    private Redirect() {
    }

    static boolean isRedirect(HandshakeException answer) {
        return STATUSES.contains(answer.status());
    }

    /**
     * The URI to try after {@code answer}, a redirect from the last URI of {@code chain} (the first is the user's).
     *
     * @throws HandshakeException with the answer's status and headers when the redirect may not be followed
     */
    static URI next(List<URI> chain, HandshakeException answer, int maxRedirects) throws HandshakeException {
        URI from = chain.getLast();
        int status = answer.status();
        List<String> locations = answer.headers().all("Location");
        if (locations.size() != 1) {
            throw refuse(answer, "server answered " + status + (locations.isEmpty() ? " without a Location header"
                    : " with more than one Location header") + " for " + from);
        }
        if (chain.size() > maxRedirects) {
            throw refuse(answer, "too many redirects (at most " + maxRedirects + "): " + path(chain) + " -> "
                    + locations.getFirst());
        }
        URI to;
        try {
            to = from.resolve(new URI(locations.getFirst()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw refuse(answer, "server answered " + status + " with a Location that is not a URI: "
                    + locations.getFirst());
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        String wsScheme = switch (scheme) {
            case "ws", "http" -> "ws";
            case "wss", "https" -> "wss";
            default -> throw refuse(answer, "redirect to a URI that is not http(s) or ws(s): " + to);
        };
        if (from.getScheme().equalsIgnoreCase("wss") && wsScheme.equals("ws")) {
            throw refuse(answer, "redirect from wss to ws refused, it would drop TLS: " + from + " -> " + to);
        }
        String text = wsScheme + to.toString().substring(scheme.length());
        int hash = text.indexOf('#');
        // RFC 6455 §3: a WebSocket URI has no fragment; a Location's fragment is for the user agent alone
        URI next = URI.create(hash < 0 ? text : text.substring(0, hash));
        if (next.getHost() == null || next.getRawUserInfo() != null) {
            throw refuse(answer, "redirect to a URI without a host or with user info: " + to);
        }
        if (chain.contains(next)) {
            throw refuse(answer, "redirect loop: " + path(chain) + " -> " + next);
        }
        return next;
    }

    /** Whether {@code a} and {@code b} name the same server: host (any case) and port, default ports filled in. */
    static boolean sameServer(URI a, URI b) {
        return a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    static int port(URI uri) {
        // RFC 6455 §3: the default ports are 80 for ws and 443 for wss
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("wss") ? 443 : 80;
    }

    private static String path(List<URI> chain) {
        return chain.stream().map(URI::toString).collect(Collectors.joining(" -> "));
    }

    private static HandshakeException refuse(HandshakeException answer, String message) {
        return new HandshakeException(answer.status(), message, answer.headers());
    }
}
