package io.pado;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where a server's requests go: its WebSocket endpoints, by exact path or path template, and the handler of plain
 * HTTP requests. Changed by the application (any thread, also while the server runs), read by the loops.
 */
final class Routes {
    private final Map<String, Endpoint> exact = new ConcurrentHashMap<>();
    private final List<Endpoint> templates = new CopyOnWriteArrayList<>();
    private volatile HttpHandler http = request -> HttpResponse.notFound();

    /** Adds {@code endpoint}, replacing one with the same path. */
    void add(Endpoint endpoint) {
        if (endpoint.isTemplate()) {
            templates.removeIf(e -> e.path().equals(endpoint.path()));
            templates.add(endpoint);
        } else {
            exact.put(endpoint.path(), endpoint);
        }
    }

    /** The endpoint for {@code path} with its path parameters, or null: an exact path first, then templates. */
    Map.Entry<Endpoint, Map<String, String>> route(String path) {
        Endpoint e = exact.get(path);
        if (e != null) {
            return Map.entry(e, Map.of());
        }
        for (Endpoint t : templates) {
            Map<String, String> parameters = t.match(path);
            if (parameters != null) {
                return Map.entry(t, parameters);
            }
        }
        return null;
    }

    void http(HttpHandler handler) {
        this.http = handler;
    }

    HttpHandler http() {
        return http;
    }
}
