package io.pado.examples;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.protocol.PerMessageDeflate;
import java.io.IOException;

/** The guide's permessage-deflate example: a server and a client that compress. */
public final class CompressedEcho {
    private CompressedEcho() {
    }

    public static Server start(int port) throws IOException {
        PerMessageDeflate deflate = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT); // pooled codecs
        return Server.create(ServerOptions.DEFAULT.withPort(port).withExtensions(deflate))
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                })
                .start();
    }

    public static Client client() {
        PerMessageDeflate deflate = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT
                .withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER));
        return Client.create(ClientOptions.DEFAULT.withExtensions(deflate));
    }
}
