package io.pado.examples;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.ClientProxy;
import io.pado.Handler;
import io.pado.Reconnect;
import io.pado.ReconnectingWebSocket;
import io.pado.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** docs/GUIDE.md, "A client for the real world". */
public final class ResilientClient {
    private ResilientClient() {
    }

    // tag::resilient-client[]
    public static Client create(String token, ClientProxy proxy) {
        return Client.create(ClientOptions.builder()
                .bearerToken(token)                      // Authorization: Bearer …
                .cookies(Map.of("region", "eu"))         // Cookie: region=eu
                .proxy(proxy)                            // NONE, SYSTEM, or ClientProxy.http("proxy", 3128)
                .maxRedirects(3)                         // 0 turns redirects off
                .build());
    }

    public static ReconnectingWebSocket subscribe(Client client, URI uri, String topic, Consumer<String> prices) {
        return client.connect(uri, new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.sendText("subscribe " + topic);      // runs again after every reconnect
            }

            @Override
            public void onText(WebSocket ws, String text) {
                prices.accept(text);
            }

            @Override
            public void onReconnecting(WebSocket ws, int attempt, Duration delay, Throwable cause) {
                System.err.printf("attempt %d in %d ms: %s%n", attempt, delay.toMillis(), cause.getMessage());
            }
        }, Reconnect.builder()
                .initialDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofSeconds(5))
                .finalCloseCodes(code -> code == 1008 || code >= 4000 && code <= 4999)
                .build()).join();
    }
    // end::resilient-client[]

    public static void main(String[] args) {
        try (Client client = create(System.getenv().getOrDefault("TOKEN", "demo"), ClientProxy.SYSTEM)) {
            ReconnectingWebSocket ws = subscribe(client, URI.create("ws://127.0.0.1:8080/prices"), "ACME",
                    System.out::println);
            ws.whenClosed().join();
        }
    }
}
