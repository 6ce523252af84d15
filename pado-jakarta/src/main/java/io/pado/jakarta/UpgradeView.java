package io.pado.jakarta;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Jakarta handshake steps need of a pado upgrade request: the shape of {@code io.pado.Upgrade}, which pado's
 * {@code Endpoint.upgradeCheck} hands over before it accepts a request (issue 21). Called on the request's handler
 * thread, before the WebSocket exists.
 */
interface UpgradeView {

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

    /** Adds a field to the 101 response (not Upgrade, Connection or Sec-WebSocket-*). */
    void responseHeader(String name, String value);

    /** The object the WebSocket's attachment will be. */
    void attach(Object attachment);
}
