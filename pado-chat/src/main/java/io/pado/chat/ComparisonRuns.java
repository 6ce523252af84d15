package io.pado.chat;

import io.pado.HttpResponse;
import io.pado.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The comparison page's back end: {@code POST /compare/run} with {@code clients=N&seconds=S&rate=R} starts a run
 * against this server (one at a time, clients capped at 50 here), {@code GET /compare/status} returns its live
 * counters.
 */
final class ComparisonRuns {
    private volatile URI target;
    private volatile Rooms rooms;
    private volatile Comparison current; // written by request threads, read by the page's status polls

    void target(URI target, Rooms rooms) {
        this.target = target;
        this.rooms = rooms;
    }

    /** Answers {@code path} with {@code query}: the form of a POST, or the query string of a GET. */
    HttpResponse handle(String path, Query query) {
        if (target == null) {
            return HttpResponse.text(503, "starting\n");
        }
        return switch (path) {
            case "/compare/run" -> start(query);
            case "/compare/status" -> {
                Comparison c = current;
                yield json(c == null ? Wire.text(Wire.object("comparison").put("running", false))
                        : Wire.text(c.json()));
            }
            default -> HttpResponse.notFound();
        };
    }

    private synchronized HttpResponse start(Query query) {
        Comparison c = current;
        if (c != null && c.running()) {
            return HttpResponse.text(409, "a comparison is running\n");
        }
        Comparison.Plan plan;
        try {
            plan = new Comparison.Plan((int) Math.min(50, query.number("clients", 10)),
                    Duration.ofSeconds(query.number("seconds", 5)), (int) query.number("rate", 10),
                    Duration.ofMillis(query.number("interval", 250)));
        } catch (IllegalArgumentException e) {
            return HttpResponse.text(400, e.getMessage() + "\n");
        }
        var next = new Comparison(new InetSocketAddress("127.0.0.1", target.getPort()), rooms, plan);
        current = next;
        Thread.ofVirtual().name("pado-compare").start(() -> {
            try {
                next.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return json(Wire.text(next.json()));
    }

    private static HttpResponse json(String text) {
        return new HttpResponse(200, Headers.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                text.getBytes(StandardCharsets.UTF_8));
    }
}
