/**
 * pado: a WebSocket (RFC 6455) server and client over non-blocking sockets. The public API is the package
 * {@code io.pado}: {@link io.pado.Server}, {@link io.pado.Client}, {@link io.pado.WebSocket} and
 * {@link io.pado.Handler}. The RFC itself is implemented by the sans-I/O engine in {@code io.pado.protocol}.
 */
module io.pado {
    requires io.pado.protocol;
    requires jdk.jfr;

    exports io.pado;
}
