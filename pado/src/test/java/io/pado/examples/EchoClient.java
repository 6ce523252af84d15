package io.pado.examples;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.WebSocket;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** docs/GUIDE.md, "A client". */
public final class EchoClient {
    private EchoClient() {
    }

    /** Sends one text to an echo server and returns what came back. */
    // tag::echo-client[]
    public static String roundTrip(URI uri, String message) {
        try (Client client = Client.create(ClientOptions.DEFAULT)) {
            var answer = new CompletableFuture<String>();
            WebSocket ws = client.connect(uri, new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    answer.complete(text);
                }

                @Override
                public void onClose(WebSocket ws, int code, String reason) {
                    answer.completeExceptionally(new IllegalStateException("closed: " + code + " " + reason));
                }
            }).join();
            ws.sendText(message);
            String text = answer.join();
            ws.close(1000, "bye").join();
            return text;
        }
    }
    // end::echo-client[]

    public static void main(String[] args) {
        System.out.println(roundTrip(URI.create("ws://127.0.0.1:8080/echo"), "hello, pado"));
    }
}
