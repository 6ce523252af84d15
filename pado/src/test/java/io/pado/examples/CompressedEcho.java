package io.pado.examples;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.Compression;
import java.io.IOException;

/** The guide's permessage-deflate example: a server and a client that compress. */
public final class CompressedEcho {
    private CompressedEcho() {
    }

    // tag::compression[]
    public static Server start(int port) throws IOException {
        return Server.create(ServerOptions.builder()
                        .port(port)
                        .connection(c -> c.compression(Compression.DEFAULT)) // pooled codecs
                        .build())
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                })
                .start();
    }

    public static Client client() {
        var deflate = Compression.DEFAULT.withMemory(Compression.Memory.CONTEXT_TAKEOVER);
        return Client.create(ClientOptions.builder().connection(c -> c.compression(deflate)).build());
    }
    // end::compression[]
}
