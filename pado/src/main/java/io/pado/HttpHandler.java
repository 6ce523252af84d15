package io.pado;


/**
 * Answers plain HTTP requests (those that are not WebSocket upgrades) on a {@link Server}'s port, so that a web page
 * and its WebSocket can share one port: a page, a health check, 404 for the rest.
 *
 * <p>Connections are persistent, as HTTP/1.1 clients expect (RFC 9112 §9.3): after an answer the connection waits
 * {@link ServerOptions#httpKeepAlive()} for the next request, up to {@link ServerOptions#maxRequestsPerConnection()}
 * requests, unless the client sent {@code Connection: close} (or spoke HTTP/1.0 without {@code keep-alive}); the same
 * connection may then become a WebSocket. A body framed by {@code Content-Length} or {@code Transfer-Encoding:
 * chunked} is read whole, up to {@link ServerOptions#maxRequestBodyBytes()} (413 beyond it), before the handler is
 * called; a {@code POST}, {@code PUT} or {@code PATCH} with neither gets 411. Requests sent before the previous answer
 * (pipelining) are handed over one at a time and answered in order. pado answers {@code HEAD} with the head of the
 * handler's response to it, without the body; bad requests are answered (400, 411, 413, 417, 431, 501, 505) by pado
 * alone and end the connection.
 *
 * <p>The handler runs where {@link Handler}s run (see {@link Dispatch}), is called concurrently for different
 * connections and one request at a time for each, and may block on virtual threads. If it throws, the client gets
 * 500 and the exception is logged.
 *
 * {@snippet :
 * server.http(request -> request.path().equals("/health")
 *         ? HttpResponse.text(200, "ok\n")
 *         : HttpResponse.notFound());
 * }
 */
@FunctionalInterface
public interface HttpHandler {

    /** The response to {@code request}. */
    HttpResponse handle(HttpRequest request) throws Exception;
}
