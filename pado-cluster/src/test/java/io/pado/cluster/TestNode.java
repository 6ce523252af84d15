package io.pado.cluster;

import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A pado node with topics for tests. Its endpoint {@code /t} takes one command per text message: {@code join T
 * [NAME]}, {@code resume T EPOCH OFFSET}, {@code last T N} (each answered {@code joined T} once the join returned,
 * or {@code taken NAME}), {@code leave T}, {@code pub T REF DATA} (answered {@code ack REF EPOCH OFFSET} once
 * acknowledged, or {@code nack REF REASON}), {@code who} (answered {@code node NAME}).
 */
final class TestNode implements AutoCloseable {
    final Server server;
    final Topics topics;

    private TestNode(Server server, Topics topics) {
        this.server = server;
        this.topics = topics;
    }

    static TestNode start(URI broker) throws IOException {
        return start(broker, b -> b, c -> c);
    }

    static TestNode start(URI broker, UnaryOperator<TopicsOptions.Builder> options,
            UnaryOperator<ServerOptions.Builder> server) throws IOException {
        Server s = Server.create(server.apply(ServerOptions.builder().port(0)).build());
        Topics t = Topics.start(s, options.apply(TopicsOptions.builder().broker(broker)
                .presenceTtl(Duration.ofSeconds(2))).build());
        var node = new TestNode(s, t);
        s.endpoint("/t", node.handler());
        s.start();
        return node;
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/t");
    }

    private Handler handler() {
        return new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                String[] w = text.split(" ", 4);
                try {
                    switch (w[0]) {
                        case "join" -> {
                            topics.join(ws, w[1], w.length > 2 ? JoinOptions.DEFAULT.withPresence(w[2])
                                    : JoinOptions.DEFAULT);
                            ws.sendText("joined " + w[1]);
                        }
                        case "resume" -> {
                            topics.join(ws, w[1], JoinOptions.DEFAULT.resumeAfter(new Position(w[2],
                                    Long.parseLong(w[3])), 0));
                            ws.sendText("joined " + w[1]);
                        }
                        case "last" -> {
                            topics.join(ws, w[1], JoinOptions.DEFAULT.replayLast(Integer.parseInt(w[2])));
                            ws.sendText("joined " + w[1]);
                        }
                        case "leave" -> topics.leave(ws, w[1]);
                        case "who" -> ws.sendText("node " + topics.node());
                        case "pub" -> topics.publish(w[1], w[3]).whenComplete((p, e) -> ws.sendText(e == null
                                ? "ack " + w[2] + " " + p.epoch() + " " + p.offset()
                                : "nack " + w[2] + " " + e.getMessage()));
                        default -> ws.sendText("error unknown command " + w[0]);
                    }
                } catch (NameTakenException e) {
                    ws.sendText("taken " + w[2]);
                } catch (IOException e) {
                    ws.sendText("error " + e.getMessage());
                }
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                topics.leaveAll(ws);
            }
        };
    }

    @Override
    public void close() {
        topics.close();
        server.stop(Duration.ofSeconds(2));
    }
}
