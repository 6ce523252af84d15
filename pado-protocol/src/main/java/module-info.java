/**
 * The pado protocol engine: RFC 6455 (WebSocket) and RFC 7692 (permessage-deflate) without sockets, threads
 * or clocks. Bytes go in, events and bytes come out.
 */
module io.pado.protocol {
    exports io.pado.protocol;
}
