package io.pado;


/**
 * Answers plain HTTP requests (those that are not WebSocket upgrades) on a {@link Server}'s port, so that a web page
 * and its WebSocket can share one port: a page, a health check, 404 for the rest.
 *
 * <p>Only the request head is read; a request body is ignored. Each response is followed by the end of the TCP
 * connection ({@code Connection: close}). The handler runs where {@link Handler}s run (see {@link Dispatch}), is
 * called concurrently for different connections, and may block on virtual threads. If it throws, the client gets
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
