package io.pado.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.ClientOptions;
import io.pado.ServerOptions;
import io.pado.jakarta.examples.ChatClient;
import io.pado.jakarta.examples.EchoApplication;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "done when": the same Jakarta endpoint classes ({@code examples}: an annotated chat, a programmatic
 * echo, a JSON endpoint with a decoder and an encoder) deployed on Jetty's Jakarta server and on pado, driven by the
 * same client code on Tyrus's client and on pado's, and by the JDK's client: every pairing sees the same transcript.
 *
 * <p>Both servers deploy what {@link EchoApplication} lists, the way a container uses a
 * {@code ServerApplicationConfig}. The programmatic configuration has no configurator of its own, so the API looks the
 * default one up with a ServiceLoader, and on this class path finds pado's first (pado's classes come before the
 * test dependencies): on Jetty too it only chooses defaults (any origin, the client's first subprotocol).
 */
class SameEndpointsTest {
    private static final long WAIT_SECONDS = 10;

    enum ServerKind { JETTY, PADO }

    enum ClientKind { TYRUS, PADO }

    /** A running server of either kind. */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    static Running start(ServerKind kind) throws Exception {
        var application = new EchoApplication();
        if (kind == ServerKind.JETTY) {
            var jetty = new org.eclipse.jetty.server.Server();
            var connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            var context = new ServletContextHandler();
            context.setContextPath("/");
            jetty.setHandler(context);
            JakartaWebSocketServletContainerInitializer.configure(context, (servlets, container) -> {
                for (Class<?> annotated : application.getAnnotatedEndpointClasses(Set.of())) {
                    container.addEndpoint(annotated);
                }
                for (ServerEndpointConfig config : application.getEndpointConfigs(Set.of())) {
                    container.addEndpoint(config);
                }
            });
            jetty.start();
            return new Running() {
                public int port() {
                    return connector.getLocalPort();
                }

                public void close() {
                    try {
                        jetty.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }
        // What a container does with a ServerApplicationConfig, without the class-path scan; as on Jetty above.
        var pado = PadoServerContainer.create(ServerOptions.DEFAULT);
        for (Class<?> annotated : application.getAnnotatedEndpointClasses(Set.of())) {
            pado.addEndpoint(annotated);
        }
        for (ServerEndpointConfig config : application.getEndpointConfigs(Set.of())) {
            pado.addEndpoint(config);
        }
        pado.start();
        return new Running() {
            public int port() {
                return pado.port();
            }

            public void close() {
                pado.close();
            }
        };
    }

    static WebSocketContainer client(ClientKind kind) {
        return kind == ClientKind.TYRUS ? ClientManager.createClient()
                : PadoWebSocketContainer.create(ClientOptions.DEFAULT);
    }

    static Stream<Arguments> pairs() {
        return Stream.of(ServerKind.values())
                .flatMap(s -> Stream.of(ClientKind.values()).map(c -> Arguments.of(s, c)));
    }

    @ParameterizedTest(name = "{0} server, {1} client")
    @MethodSource("pairs")
    void theChatBroadcastsTheSameWayOnEveryServerAndClient(ServerKind serverKind, ClientKind clientKind)
            throws Exception {
        try (Running server = start(serverKind)) {
            WebSocketContainer container = client(clientKind);
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/chat");
            var transcript = new ArrayList<String>();

            var alice = new ChatClient();
            Session aliceSession = container.connectToServer(alice, uri);
            transcript.add("alice " + take(alice.received));
            // As for bob below: an answer shows that alice's @OnOpen has returned, so that Jetty counts her among the
            // open sessions when bob's @OnOpen counts the others (her welcome is sent from inside it).
            aliceSession.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            transcript.add("alice " + take(alice.received));
            var bob = new ChatClient();
            Session bobSession = container.connectToServer(bob, uri);
            transcript.add("bob " + take(bob.received));
            transcript.add("subprotocol " + bobSession.getNegotiatedSubprotocol());

            // An answer to bob shows that the server has finished bob's @OnOpen: Jetty counts a session among the
            // open ones only then, and a broadcast sent earlier could miss bob.
            bobSession.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            transcript.add("bob " + take(bob.received));

            aliceSession.getBasicRemote().sendText("hi all");
            transcript.add("alice " + take(alice.received));
            transcript.add("bob " + take(bob.received));

            bobSession.getBasicRemote().sendText("/bye");
            CloseReason bobClosed = bob.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
            transcript.add("bob closed " + bobClosed.getCloseCode().getCode() + " " + bobClosed.getReasonPhrase());

            aliceSession.getAsyncRemote().sendText("anyone?").get(WAIT_SECONDS, TimeUnit.SECONDS);
            transcript.add("alice " + take(alice.received));
            aliceSession.close();
            transcript.add("alice closed " + alice.closed.get(WAIT_SECONDS, TimeUnit.SECONDS).getCloseCode().getCode());
            transcript.add("bob has " + bob.received.size() + " more");

            assertThat(transcript).containsExactly(
                    "alice welcome guest-1 (chat.v1)",
                    "alice binary 3",
                    "bob welcome guest-2 (chat.v1)",
                    "subprotocol chat.v1",
                    "bob binary 3",
                    "alice guest-1: hi all",
                    "bob guest-1: hi all",
                    "bob closed 1000 bye",
                    "alice guest-1: anyone?",
                    "alice closed 1000",
                    "bob has 0 more");
            closeClient(container);
        }
    }

    @ParameterizedTest(name = "{0} server, {1} client")
    @MethodSource("pairs")
    void theProgrammaticEchoAnswersTheSameWayOnEveryServerAndClient(ServerKind serverKind, ClientKind clientKind)
            throws Exception {
        try (Running server = start(serverKind)) {
            WebSocketContainer container = client(clientKind);
            var received = new LinkedBlockingQueue<String>();
            Endpoint recorder = new Endpoint() {
                @Override
                public void onOpen(Session session, EndpointConfig config) {
                    session.addMessageHandler(String.class, text -> received.add("text " + text));
                    session.addMessageHandler(ByteBuffer.class, data -> {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        received.add("binary " + HexFormat.of().formatHex(bytes));
                    });
                }
            };
            Session session = container.connectToServer(recorder, ClientEndpointConfig.Builder.create().build(),
                    URI.create("ws://127.0.0.1:" + server.port() + "/echo"));

            session.getBasicRemote().sendText("echo me");
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {(byte) 0xca, (byte) 0xfe}));
            session.getBasicRemote().sendText("in ", false);
            session.getBasicRemote().sendText("parts", true);

            assertThat(List.of(take(received), take(received), take(received)))
                    .containsExactly("text echo me", "binary cafe", "text in parts");
            session.close();
            closeClient(container);
        }
    }

    @ParameterizedTest(name = "{0} server, {1} client")
    @MethodSource("pairs")
    void jsonGoesThroughTheDecoderAndTheEncoderOnEveryServerAndClient(ServerKind serverKind, ClientKind clientKind)
            throws Exception {
        try (Running server = start(serverKind)) {
            WebSocketContainer container = client(clientKind);
            var received = new LinkedBlockingQueue<String>();
            Session session = container.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session session, EndpointConfig config) {
                    session.addMessageHandler(new MessageHandler.Whole<String>() {
                        @Override
                        public void onMessage(String text) {
                            received.add(text);
                        }
                    });
                }

                @Override
                public void onClose(Session session, CloseReason reason) {
                    received.add("closed " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
                }
            }, ClientEndpointConfig.Builder.create().build(), URI.create("ws://127.0.0.1:" + server.port()
                    + "/orders"));

            session.getBasicRemote().sendText("{\"item\":\"tea\",\"quantity\":2}");
            assertThat(take(received)).isEqualTo("{\"item\":\"tea\",\"quantity\":4}");
            session.getBasicRemote().sendText("{\"item\":\"cake\",\"quantity\":0}");
            assertThat(take(received)).isEqualTo("{\"item\":\"cake\",\"quantity\":0}");
            // Text no decoder takes is another matter: Jetty closes with 1003, pado calls @OnError (JakartaTest).
            session.close();
            assertThat(take(received)).isEqualTo("closed 1000 ");
            closeClient(container);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void theJdkClientChatsWithEitherServer(ServerKind serverKind) throws Exception {
        try (Running server = start(serverKind); HttpClient http = HttpClient.newHttpClient()) {
            var received = new LinkedBlockingQueue<String>();
            WebSocket ws = http.newWebSocketBuilder().subprotocols("chat.v2")
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            received.add(data.toString());
                            webSocket.request(1);
                            return null;
                        }
                    }).get(WAIT_SECONDS, TimeUnit.SECONDS);

            assertThat(ws.getSubprotocol()).isEqualTo("chat.v2");
            assertThat(take(received)).isEqualTo("welcome guest-1 (chat.v2)");
            ws.sendText("from the JDK", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(take(received)).isEqualTo("guest-1: from the JDK");
            ws.sendClose(1000, "done").get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static String take(BlockingQueue<String> queue) throws InterruptedException {
        String message = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(message).as("a message within %d s", WAIT_SECONDS).isNotNull();
        return message;
    }

    private static void closeClient(WebSocketContainer container) {
        if (container instanceof PadoWebSocketContainer pado) {
            pado.close();
        } else if (container instanceof ClientManager tyrus) {
            tyrus.shutdown();
        }
    }

}
