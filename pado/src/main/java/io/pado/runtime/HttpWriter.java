package io.pado.runtime;

import io.pado.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Renders an {@link HttpResponse} as HTTP/1.1 bytes, with {@code Content-Length} and {@code Connection: close}. */
final class HttpWriter {
    private HttpWriter() {
    }

    /** The response; without the body when answering a HEAD request (RFC 9110 §9.3.2). */
    static ByteBuffer render(HttpResponse response, boolean withBody) {
        var head = new StringBuilder(128);
        head.append("HTTP/1.1 ").append(response.status()).append(' ').append(reason(response.status()))
                .append("\r\n");
        response.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Connection")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        int bodyBytes = withBody ? response.body().length : 0;
        ByteBuffer out = ByteBuffer.allocate(headBytes.length + bodyBytes);
        out.put(headBytes).put(response.body(), 0, bodyBytes).flip();
        return out;
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }
}
