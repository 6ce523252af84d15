package io.pado.micrometer.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pado.Handler;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.micrometer.PadoMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** docs/GUIDE.md, "Metrics": an echo server whose meters Prometheus scrapes at /metrics, on the same port. */
public final class PrometheusServer {
    public static Server start(int port) throws IOException {
        // tag::prometheus[]
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Server server = Server.create(ServerOptions.builder().port(port).build())
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                });
        server.http(request -> request.path().equals("/metrics")
                ? HttpResponse.ok("text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8))
                : HttpResponse.notFound());
        new PadoMetrics(server).bindTo(registry); // after the endpoints: each gets its meters
        return server.start();
        // end::prometheus[]
    }

    public static void main(String[] args) throws IOException {
        Server server = start(8080);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("ws://127.0.0.1:" + server.port() + "/echo, meters at http://127.0.0.1:"
                + server.port() + "/metrics");
    }
}
