package io.pado.examples;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.ClientTls;
import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.ServerTls;
import io.pado.WebSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** docs/GUIDE.md, "TLS (wss://)". */
public final class SecureEcho {
    private SecureEcho() {
    }

    // tag::tls[]
    public static Server start(int port, Path certificateChain, Path privateKey) throws Exception {
        var tls = ServerTls.fromPem(certificateChain, privateKey); // PEM: the chain, and a PKCS#8 key
        return Server.create(ServerOptions.builder().port(port).tls(tls).build())
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                })
                .start();
    }

    public static String roundTrip(URI wssUri, Path trustedCertificate, String message) throws Exception {
        // ClientTls.SYSTEM (the default) trusts the JDK's CAs; here, a self-signed certificate instead.
        var options = ClientOptions.builder().tls(ClientTls.trustingPem(trustedCertificate)).build();
        try (Client client = Client.create(options)) {
            var answer = new CompletableFuture<String>();
            WebSocket ws = client.connect(wssUri, new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    answer.complete(text);
                }
            }).join();
            ws.sendText(message);
            String text = answer.join();
            ws.close(1000, "bye").join();
            return text;
        }
    }
    // end::tls[]
}
