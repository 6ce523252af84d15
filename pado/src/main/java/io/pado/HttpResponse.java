package io.pado;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The answer of an {@link HttpHandler} to a plain HTTP request. pado writes {@code Content-Length} itself, and
 * {@code Connection: close} when the connection ends after this answer (see {@link HttpHandler}); the handler's own
 * {@code Content-Length}, {@code Connection} and {@code Transfer-Encoding} headers are left out. Immutable; safe to
 * share between threads as long as the body is not modified.
 *
 * @param status  the HTTP status code, 100–599
 * @param headers extra response headers, e.g. {@code Content-Type}
 * @param body    the body; not copied, so do not modify it afterwards
 */
public record HttpResponse(int status, Headers headers, byte[] body) {

    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("bad HTTP status: " + status);
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /** A 200 response with the given content type. */
    public static HttpResponse ok(String contentType, byte[] body) {
        return new HttpResponse(200, Headers.of("Content-Type", contentType), body);
    }

    /** A response with a plain-text UTF-8 body. */
    public static HttpResponse text(int status, String body) {
        return new HttpResponse(status, Headers.of("Content-Type", "text/plain; charset=utf-8"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** 404 Not Found, what a server answers when no {@link HttpHandler} was set. */
    public static HttpResponse notFound() {
        return text(404, "Not Found\n");
    }
}
