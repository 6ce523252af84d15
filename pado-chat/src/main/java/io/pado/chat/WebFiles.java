package io.pado.chat;

import io.pado.HttpResponse;
import io.pado.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** The pages shipped in the jar ({@code io/pado/chat/web/}), read once; only the files listed here are served. */
final class WebFiles {
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/chat.css", "chat.css",
            "/chat.js", "chat.js",
            "/compare", "compare.html",
            "/compare.html", "compare.html",
            "/compare.js", "compare.js");

    private final Map<String, HttpResponse> responses;

    WebFiles() {
        var map = new java.util.HashMap<String, HttpResponse>();
        FILES.forEach((path, name) -> map.put(path, new HttpResponse(200,
                Headers.of("Content-Type", type(name), "Cache-Control", "no-cache"), read(name))));
        responses = Map.copyOf(map);
    }

    Optional<HttpResponse> get(String path) {
        return Optional.ofNullable(responses.get(path));
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }

    private static byte[] read(String name) {
        try (InputStream in = WebFiles.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource web/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
