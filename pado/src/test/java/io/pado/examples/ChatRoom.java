package io.pado.examples;

import io.pado.Endpoint;
import io.pado.Handler;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** docs/GUIDE.md, "Broadcast": every message goes to everyone in the room, encoded once. */
// tag::chat-room[]
public final class ChatRoom implements Handler {
    private final Set<WebSocket> members = ConcurrentHashMap.newKeySet();
    private volatile Server server;

    public static Server start(int port) throws IOException {
        var room = new ChatRoom();
        room.server = Server.create(ServerOptions.builder().port(port).build())
                .endpoint(Endpoint.builder("/chat", room)
                        .subprotocols("chat.v1")
                        .allowedOrigins("https://chat.example")
                        .build())
                .http(request -> request.path().equals("/health")
                        ? HttpResponse.text(200, "ok\n")
                        : HttpResponse.notFound());
        return room.server.start();
    }

    @Override
    public void onOpen(WebSocket ws) {
        members.add(ws);
        ws.sendText("welcome");
    }

    @Override
    public void onText(WebSocket ws, String text) {
        server.broadcast(members, text);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        members.remove(ws);
    }
}
// end::chat-room[]
