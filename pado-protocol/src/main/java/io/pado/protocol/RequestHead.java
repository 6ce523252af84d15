package io.pado.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * The head of an HTTP/1.1 request: request line and header fields (RFC 9112 §3), as {@link RequestParser} read it.
 *
 * @param method  the method token, case-sensitive, e.g. {@code GET}
 * @param target  the request-target as sent, e.g. {@code /chat?room=1} or {@code http://example.com/chat}
 * @param version the HTTP version, e.g. {@code HTTP/1.1}
 * @param headers the header fields
 */
public record RequestHead(String method, String target, String version, Headers headers) {

    /** Refuses nulls. */
    public RequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * The path of the target, without the query: {@code /chat} for {@code /chat?room=1}. For a target in absolute
     * form ({@code http://example.com/chat?x}, RFC 9112 §3.2.2) the scheme and authority are dropped too, and an
     * empty path is {@code /}. Still percent-encoded.
     */
    public String path() {
        return pathOf(target);
    }

    /** What follows the first {@code ?} of the target, still percent-encoded; empty if there is no {@code ?}. */
    public Optional<String> query() {
        return queryOf(target);
    }

    /** {@link #path()} of a request target. */
    public static String pathOf(String target) {
        String originForm = originForm(target);
        int q = originForm.indexOf('?');
        return q < 0 ? originForm : originForm.substring(0, q);
    }

    /** {@link #query()} of a request target. */
    public static Optional<String> queryOf(String target) {
        String originForm = originForm(target);
        int q = originForm.indexOf('?');
        return q < 0 ? Optional.empty() : Optional.of(originForm.substring(q + 1));
    }

    /** Whether the target is in absolute form, {@code scheme://authority/path?query} (RFC 9112 §3.2.2). */
    boolean isAbsoluteForm() {
        return isAbsoluteForm(target);
    }

    private static boolean isAbsoluteForm(String target) {
        int colon = target.indexOf("://");
        return colon > 0 && target.charAt(0) != '/' && target.indexOf('/') > colon;
    }

    private static String originForm(String target) {
        if (!isAbsoluteForm(target)) {
            return target;
        }
        int authority = target.indexOf("://") + 3;
        int end = authority;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        String rest = target.substring(end);
        return rest.startsWith("/") ? rest : "/" + rest;
    }
}
