package io.pado.cluster.examples;

import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.cluster.JoinOptions;
import io.pado.cluster.Position;
import io.pado.cluster.Topics;
import io.pado.cluster.TopicsOptions;
import java.io.IOException;
import java.net.URI;

/**
 * docs/GUIDE.md, "Topics across nodes": live scores on any number of nodes sharing one broker. A client sends
 * {@code watch}, or {@code resume EPOCH OFFSET} after a reconnect (to any node); {@code goal TEXT} publishes.
 */
// tag::scoreboard[]
public final class Scoreboard implements Handler, AutoCloseable {
    private final Server server;
    private final Topics topics;

    private Scoreboard(Server server, Topics topics) {
        this.server = server;
        this.topics = topics;
    }

    public static Scoreboard start(int port, URI broker) throws IOException {
        Server server = Server.create(ServerOptions.builder().port(port).build());
        Topics topics = Topics.start(server, TopicsOptions.builder().broker(broker).build());
        var board = new Scoreboard(server, topics);
        server.endpoint("/scores", board).start();
        return board;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void onText(WebSocket ws, String text) {
        String[] words = text.split(" ", 3);
        try {
            switch (words[0]) {
                case "watch" -> topics.join(ws, "scores", JoinOptions.DEFAULT.replayLast(10));
                case "resume" -> topics.join(ws, "scores", JoinOptions.DEFAULT.resumeAfter(
                        new Position(words[1], Long.parseLong(words[2])), 10));
                case "goal" -> topics.publish("scores", text.substring(5))
                        .thenAccept(p -> ws.sendText("stored at " + p.offset()));
                default -> ws.close(1008, "watch, resume or goal");
            }
        } catch (IOException e) {
            ws.close(1011, "try again");
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        topics.leaveAll(ws);
    }

    @Override
    public void close() {
        topics.close();
        server.close();
    }
}
// end::scoreboard[]
