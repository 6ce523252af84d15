package io.pado.protocol;

import java.util.Objects;

/**
 * The head of an HTTP/1.1 response: status line and header fields (RFC 9112 §4), as {@link ResponseParser} read
 * it.
 *
 * @param version the HTTP version, e.g. {@code HTTP/1.1}
 * @param status  the three-digit status code, e.g. 101
 * @param reason  the reason phrase, possibly empty; clients ignore it (RFC 9112 §4)
 * @param headers the header fields
 */
public record ResponseHead(String version, int status, String reason, Headers headers) {

    /** Refuses nulls and a status outside 100-599 ({@link IllegalArgumentException}). */
    public ResponseHead {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(headers, "headers");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100-599: " + status);
        }
    }
}
