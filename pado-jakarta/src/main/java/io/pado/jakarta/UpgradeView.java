package io.pado.jakarta;

import io.pado.Upgrade;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Jakarta handshake steps need of a pado {@link Upgrade}, which an endpoint's upgrade check is handed
 * before pado accepts a request; an interface so that the steps can be tested without a server. Called on the
 * request's handler thread, before the WebSocket exists.
 */
interface UpgradeView {

    /** The view of a real request. */
    static UpgradeView of(Upgrade upgrade) {
        return new UpgradeView() {
            @Override
            public String path() {
                return upgrade.path();
            }

            @Override
            public String query() {
                return upgrade.query().orElse(null);
            }

            @Override
            public io.pado.Headers headers() {
                return upgrade.headers();
            }

            @Override
            public Optional<String> origin() {
                return upgrade.origin();
            }

            @Override
            public List<String> offeredSubprotocols() {
                return upgrade.offeredSubprotocols();
            }

            @Override
            public Map<String, String> pathParameters() {
                return upgrade.pathParameters();
            }

            @Override
            public void subprotocol(String subprotocol) {
                upgrade.subprotocol(subprotocol);
            }

            @Override
            public void noSubprotocol() {
                upgrade.noSubprotocol();
            }

            @Override
            public void responseHeader(String name, String value) {
                upgrade.responseHeader(name, value);
            }

            @Override
            public void attach(Object attachment) {
                upgrade.attach(attachment);
            }
        };
    }

    /** The request path, e.g. {@code /rooms/blue}. */
    String path();

    /** The query without {@code ?}, or null when the request target has none. */
    String query();

    /** The request's header fields. */
    io.pado.Headers headers();

    /** The {@code Origin} header, if any. */
    Optional<String> origin();

    /** The subprotocols the client offered, in its order. */
    List<String> offeredSubprotocols();

    /** The values of the endpoint path's {@code {name}} segments, decoded. */
    Map<String, String> pathParameters();

    /** Agrees on this subprotocol, one the client offered. */
    void subprotocol(String subprotocol);

    /** Agrees on no subprotocol. */
    void noSubprotocol();

    /** Adds a field to the 101 response (not one the handshake writes itself). */
    void responseHeader(String name, String value);

    /** The object the WebSocket's attachment will be. */
    void attach(Object attachment);
}
