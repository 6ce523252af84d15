package io.pado;

import io.pado.runtime.Counters;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where a server's requests go: its WebSocket endpoints, by exact path or path template, and the handler of plain
 * HTTP requests; and each endpoint path's counters. Changed by the application (any thread, also while the server
 * runs), read by the loops.
 */
final class Routes {
    private final Map<String, Endpoint> exact = new ConcurrentHashMap<>();
    private final List<Endpoint> templates = new CopyOnWriteArrayList<>();
    /** By endpoint path: kept when an endpoint is replaced, so that the path's counts go on. */
    private final Map<String, Counters> counters = new ConcurrentHashMap<>();
    private volatile HttpHandler http = request -> HttpResponse.notFound();

    /** Adds {@code endpoint}, replacing one with the same path. */
    void add(Endpoint endpoint) {
        counters.computeIfAbsent(endpoint.path(), Counters::new); // before it can be routed to
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

    /** The counters of {@code endpoint}'s path; the endpoint must have been added. */
    Counters counters(Endpoint endpoint) {
        return counters.get(endpoint.path());
    }

    /** Every endpoint path's counters: a live view, which sees endpoints added later. */
    Collection<Counters> allCounters() {
        return counters.values();
    }

    void http(HttpHandler handler) {
        this.http = handler;
    }

    HttpHandler http() {
        return http;
    }
}
