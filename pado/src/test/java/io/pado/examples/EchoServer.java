package io.pado.examples;

import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;

/** docs/GUIDE.md, "An echo server". */
public final class EchoServer {
    private EchoServer() {
    }

    /** Starts the echo server on 127.0.0.1 and that port (0: any free one); the JVM's exit stops it. */
    // tag::echo-server[]
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
        Server server = Server.create(ServerOptions.builder().port(port).build())
                .endpoint("/echo", echo)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }
    // end::echo-server[]

    public static void main(String[] args) throws IOException {
        Server server = start(8080);
        System.out.println("listening on ws://127.0.0.1:" + server.port() + "/echo");
    }
}
