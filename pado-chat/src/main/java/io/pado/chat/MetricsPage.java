package io.pado.chat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.micrometer.PadoMetrics;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the chat server's meters in Prometheus's text format, once {@link #enable()}d (pado chat
 * --metrics); until then, 404. Thread-safe.
 */
final class MetricsPage {
    private final Server server;
    /** Null until enabled; set once, read by HTTP handlers. */
    private volatile PrometheusMeterRegistry registry;

    MetricsPage(Server server) {
        this.server = server;
    }

    /** Binds the server's meters (its endpoints are all added by now) and answers from now on. */
    synchronized void enable() {
        if (registry == null) {
            var r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new PadoMetrics(server).bindTo(r);
            registry = r;
        }
    }

    HttpResponse answer() {
        PrometheusMeterRegistry r = registry;
        if (r == null) {
            return HttpResponse.notFound();
        }
        return HttpResponse.ok("text/plain; version=0.0.4; charset=utf-8",
                r.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
