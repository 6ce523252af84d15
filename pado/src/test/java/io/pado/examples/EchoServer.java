package io.pado.examples;

import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;

/** docs/GUIDE.md, "An echo server". */
public final class EchoServer {
    public static Server start(int port) throws IOException {
        Handler echo = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.sendBinary(data); // with the default dispatch, data is our own copy
            }
        };
        return Server.create(ServerOptions.builder().port(port).build())
                .endpoint("/echo", echo)
                .start();
    }

    public static void main(String[] args) throws IOException {
        Server server = start(8080);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("listening on ws://127.0.0.1:" + server.port() + "/echo");
    }
}
