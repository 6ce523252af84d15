package io.pado.conformance;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Echo;
import io.pado.Handler;
import io.pado.WebSocket;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives the pado client through the Autobahn|Testsuite's fuzzing server: asks for the case count, runs every case
 * as an echo client and waits until the server has recorded it, then has the server write its reports. The base URL
 * comes from {@code AUTOBAHN_URL} (set by scripts/autobahn.sh) or the first argument.
 */
public final class AutobahnClient {

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : System.getenv().getOrDefault("AUTOBAHN_URL", "ws://127.0.0.1:9001");
        String agent = System.getenv().getOrDefault("AUTOBAHN_AGENT", "pado");
        try (Client client = Client.create(ClientOptions.builder().connection(AutobahnServer.connection()).build())) {
            var count = new CompletableFuture<String>();
            run(client, URI.create(base + "/getCaseCount"), new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    count.complete(text);
                }
            });
            int cases = Integer.parseInt(count.get(10, TimeUnit.SECONDS).trim());
            System.out.println("autobahn: " + cases + " cases");
            for (int i = 1; i <= cases; i++) {
                run(client, URI.create(base + "/runCase?case=" + i + "&agent=" + agent), new Echo());
                // The suite records a case when it sees the connection end, which may come after our side closed:
                // ask for its verdict, which it sends once recorded, so that the reports asked for after the last
                // case hold that case too (they did not always) and no case overlaps the next
                run(client, URI.create(base + "/getCaseStatus?case=" + i + "&agent=" + agent), new Handler() { });
            }
            run(client, URI.create(base + "/updateReports?agent=" + agent), new Handler() { });
        }
    }

    /** Connects and waits until the connection has closed (the fuzzing server closes each one). */
    private static void run(Client client, URI uri, Handler handler) throws Exception {
        var closed = new CompletableFuture<Void>();
        Handler watching = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                handler.onText(ws, text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                handler.onBinary(ws, data);
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                closed.complete(null);
            }
        };
        try {
            client.connect(uri, watching).get(20, TimeUnit.SECONDS);
            closed.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("autobahn: " + uri + ": " + e);
        }
    }
}
