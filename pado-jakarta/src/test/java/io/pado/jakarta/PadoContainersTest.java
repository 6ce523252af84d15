package io.pado.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.ClientOptions;
import io.pado.Compression;
import io.pado.Dispatch;
import io.pado.Endpoint;
import io.pado.Handler;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.jakarta.examples.EchoApplication;
import io.pado.jakarta.examples.Order;
import io.pado.jakarta.examples.OrderCoder;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.OutputStream;
import java.io.Writer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** pado's own behaviour where the specification leaves a choice, and what pado adds, over real sockets. */
class PadoContainersTest {
    private static final long WAIT_SECONDS = 10;

    /** Text of at most 10 bytes, echoed; no binary handler at all. */
    @ServerEndpoint("/strict")
    public static class Strict {
        @OnMessage(maxMessageSize = 10)
        public String onText(String text) {
            return text;
        }
    }

    /** Answers any text with the extensions and subprotocol its session agreed on. */
    @ServerEndpoint(value = "/agreed", subprotocols = "v1")
    public static class Agreed {
        @OnMessage
        public String onText(String text, Session session) {
            return session.getNegotiatedExtensions().stream().map(Extension::getName).toList() + " "
                    + session.getNegotiatedSubprotocol();
        }
    }

    /** Path parameters of every kind of callback, converted to their types (§4.3). */
    @ServerEndpoint("/rooms/{room}/{seat}")
    public static class Room {
        private String opened;

        @OnOpen
        public void onOpen(@PathParam("room") String room, @PathParam("seat") int seat) {
            opened = room + "#" + seat;
        }

        @OnMessage
        public String onMessage(String text, @PathParam("seat") Integer seat, Session session) {
            var parameters = new java.util.TreeMap<>(session.getPathParameters());
            return opened + " " + seat + " " + text + " " + parameters + " " + session.getQueryString();
        }
    }

    /**
     * A configurator that does all it may: refuses an origin, chooses the subprotocol, sets a cookie, puts the
     * user's name in the session's properties, and hands every connection the same endpoint instance.
     */
    public static final class Gatekeeper extends ServerEndpointConfig.Configurator {
        static final Whoami SINGLETON = new Whoami();

        @Override
        public boolean checkOrigin(String origin) {
            return origin == null || !origin.contains("evil");
        }

        @Override
        public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
            return supported.contains("v2") && requested.contains("v2") ? "v2" : "";
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
                HandshakeResponse response) {
            config.getUserProperties().put("user", request.getParameterMap().getOrDefault("user", List.of("?"))
                    .get(0));
            response.getHeaders().put("Set-Cookie", List.of("visited=yes"));
        }

        @Override
        public <T> T getEndpointInstance(Class<T> type) {
            return type.cast(SINGLETON);
        }
    }

    /** Answers with the user its configurator found, its subprotocol, and how many connections it has served. */
    @ServerEndpoint(value = "/whoami", subprotocols = {"v1", "v2"}, configurator = Gatekeeper.class)
    public static class Whoami {
        private final AtomicInteger opened = new AtomicInteger();

        @OnOpen
        public void onOpen() {
            opened.incrementAndGet();
        }

        @OnMessage
        public String onMessage(String text, Session session) {
            return session.getUserProperties().get("user") + " " + session.getNegotiatedSubprotocol() + " "
                    + opened.get();
        }
    }

    private PadoServerContainer server;
    private PadoWebSocketContainer client;
    private final BlockingQueue<String> headersSeen = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        server = PadoServerContainer.create(ServerOptions.builder()
                .connection(c -> c.compression(Compression.DEFAULT)).build());
        var application = new EchoApplication();
        for (Class<?> annotated : application.getAnnotatedEndpointClasses(Set.of())) {
            server.addEndpoint(annotated);
        }
        for (ServerEndpointConfig config : application.getEndpointConfigs(Set.of())) {
            server.addEndpoint(config);
        }
        server.addEndpoint(Strict.class);
        server.addEndpoint(Agreed.class);
        server.addEndpoint(Room.class);
        server.addEndpoint(Whoami.class);
        // A plain pado endpoint on the same server, which shows what a client's handshake carried.
        server.server().endpoint(Endpoint.of("/headers", new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                headersSeen.add(ws.handshakeHeaders().first("X-Token").orElse("none") + " "
                        + ws.handshakeHeaders().first("Origin").orElse("no origin"));
            }
        }));
        server.start();
        client = PadoWebSocketContainer.create(ClientOptions.DEFAULT);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    /** A client endpoint that records text, binary (as hex-free UTF-8) and how it closed. */
    static final class Recorder extends jakarta.websocket.Endpoint {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, received::add);
            session.addMessageHandler(byte[].class, bytes -> received.add("binary "
                    + new String(bytes, StandardCharsets.UTF_8)));
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closed.complete(reason);
        }

        String take() throws InterruptedException {
            String message = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(message).as("a message within %d s", WAIT_SECONDS).isNotNull();
            return message;
        }

        CloseReason awaitClose() throws Exception {
            return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private Session connect(Recorder recorder, String path) throws Exception {
        return client.connectToServer(recorder, ClientEndpointConfig.Builder.create().build(), uri(path));
    }

    @Test
    void aDecodeErrorGoesToOnErrorAndTheSessionStaysOpen() throws Exception {
        var recorder = new Recorder();
        Session session = connect(recorder, "/orders");
        session.getBasicRemote().sendText("{\"item\":");
        assertThat(recorder.take()).isEqualTo("error: decode");
        session.getBasicRemote().sendText("{\"item\":\"tea\",\"quantity\":1}");
        assertThat(recorder.take()).isEqualTo("{\"item\":\"tea\",\"quantity\":2}");
    }

    @Test
    void aMessageOverMaxMessageSizeClosesWith1009() throws Exception {
        var recorder = new Recorder();
        Session session = connect(recorder, "/strict");
        session.getBasicRemote().sendText("ten bytes!");
        assertThat(recorder.take()).isEqualTo("ten bytes!");
        session.getBasicRemote().sendText("eleven byte");
        assertThat(recorder.awaitClose().getCloseCode().getCode()).isEqualTo(1009); // §4.7.1
    }

    @Test
    void aMessageKindWithoutHandlerClosesWith1003() throws Exception {
        var recorder = new Recorder();
        Session session = connect(recorder, "/strict");
        session.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1}));
        assertThat(recorder.awaitClose().getCloseCode().getCode()).isEqualTo(1003);
    }

    @Test
    void anIdleSessionIsClosedByTheContainerAndSees1006() throws Exception {
        client.setDefaultMaxSessionIdleTimeout(200);
        var recorder = new Recorder();
        Session session = connect(recorder, "/echo");
        assertThat(session.getMaxIdleTimeout()).isEqualTo(200);
        CloseReason reason = recorder.awaitClose();
        // §2.1.5: a close the local container started reaches onClose as 1006
        assertThat(reason.getCloseCode().getCode()).isEqualTo(1006);
        assertThat(reason.getReasonPhrase()).isEqualTo("idle timeout");
    }

    @Test
    void partsWritersAndStreamsAreSentAsOneMessage() throws Exception {
        var recorder = new Recorder();
        Session session = connect(recorder, "/echo");
        try (Writer writer = session.getBasicRemote().getSendWriter()) {
            writer.write("wri");
            writer.write("ter");
        }
        try (OutputStream out = session.getBasicRemote().getSendStream()) {
            out.write("str".getBytes(StandardCharsets.UTF_8));
            out.write("eam".getBytes(StandardCharsets.UTF_8));
        }
        session.getBasicRemote().sendBinary(ByteBuffer.wrap("pa".getBytes(StandardCharsets.UTF_8)), false);
        assertThatThrownBy(() -> session.getBasicRemote().sendText("whole")).isInstanceOf(IllegalStateException.class);
        session.getBasicRemote().sendBinary(ByteBuffer.wrap("rts".getBytes(StandardCharsets.UTF_8)), true);
        assertThat(List.of(recorder.take(), recorder.take(), recorder.take()))
                .containsExactly("writer", "binary stream", "binary parts");
    }

    @Test
    void theAsyncRemoteTellsItsHandlerAndCompletesItsFuture() throws Exception {
        var recorder = new Recorder();
        Session session = connect(recorder, "/echo");
        var result = new CompletableFuture<SendResult>();
        session.getAsyncRemote().sendText("handled", result::complete);
        assertThat(result.get(WAIT_SECONDS, TimeUnit.SECONDS).isOK()).isTrue();
        assertThat(result.get().getSession()).isSameAs(session);
        session.getAsyncRemote().sendText("future").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(List.of(recorder.take(), recorder.take())).containsExactly("handled", "future");

        session.close();
        recorder.awaitClose();
        var failed = new CompletableFuture<SendResult>();
        session.getAsyncRemote().sendText("too late", failed::complete);
        assertThat(failed.get(WAIT_SECONDS, TimeUnit.SECONDS).isOK()).isFalse();
    }

    @Test
    void sendObjectUsesTheClientsEncoder() throws Exception {
        var recorder = new Recorder();
        Session session = client.connectToServer(recorder, ClientEndpointConfig.Builder.create()
                .encoders(List.of(OrderCoder.Encode.class)).build(), uri("/orders"));
        session.getBasicRemote().sendObject(new Order("tea", 3));
        assertThat(recorder.take()).isEqualTo("{\"item\":\"tea\",\"quantity\":6}");
        session.getBasicRemote().sendObject(42); // a primitive's box goes as text
        assertThat(recorder.take()).isEqualTo("error: decode");
    }

    @Test
    void oneHandlerPerMessageKindAndLambdasNeedTheirClass() throws Exception {
        Session session = connect(new Recorder(), "/echo");
        assertThatThrownBy(() -> session.addMessageHandler(String.class, text -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already registered");
        MessageHandler.Whole<ByteBuffer> lambda = data -> { };
        assertThatThrownBy(() -> session.addMessageHandler(lambda)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("addMessageHandler(Class");
        assertThat(session.getMessageHandlers()).hasSize(2);
    }

    @Test
    void theConfiguratorChangesTheRequestAndSeesTheResponse() throws Exception {
        var responseSeen = new CompletableFuture<Map<String, List<String>>>();
        var config = ClientEndpointConfig.Builder.create().configurator(new ClientEndpointConfig.Configurator() {
            @Override
            public void beforeRequest(Map<String, List<String>> headers) {
                headers.put("X-Token", List.of("t0k3n"));
                headers.put("Origin", List.of("http://127.0.0.1:" + server.port()));
            }

            @Override
            public void afterResponse(HandshakeResponse response) {
                responseSeen.complete(response.getHeaders());
            }
        }).build();
        Session session = client.connectToServer(new Recorder(), config, uri("/headers?a=1&a=2"));

        assertThat(headersSeen.poll(WAIT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo("t0k3n http://127.0.0.1:" + server.port());
        assertThat(responseSeen.get(WAIT_SECONDS, TimeUnit.SECONDS).get("sec-websocket-accept")).hasSize(1);
        assertThat(session.getRequestURI()).isEqualTo(uri("/headers?a=1&a=2"));
        assertThat(session.getQueryString()).isEqualTo("a=1&a=2");
        assertThat(session.getRequestParameterMap()).containsEntry("a", List.of("1", "2"));
    }

    @Test
    void permessageDeflateAndTheSubprotocolAreNegotiatedByPado() throws Exception {
        Extension deflate = SimpleExtension.named("permessage-deflate");
        var recorder = new Recorder();
        Session session = client.connectToServer(recorder, ClientEndpointConfig.Builder.create()
                .extensions(List.of(deflate)).preferredSubprotocols(List.of("v0", "v1")).build(), uri("/agreed"));
        assertThat(session.getNegotiatedExtensions()).extracting(Extension::getName)
                .containsExactly("permessage-deflate");
        assertThat(session.getNegotiatedSubprotocol()).isEqualTo("v1");
        session.getBasicRemote().sendText("which?");
        assertThat(recorder.take()).isEqualTo("[permessage-deflate] v1");
    }

    @Test
    void openSessionsOfAClientEndpointSeeEachOther() throws Exception {
        Session first = connect(new Recorder(), "/echo");
        Session second = connect(new Recorder(), "/echo");
        assertThat(first.getOpenSessions()).containsExactlyInAnyOrder(first, second);
        assertThat(first.getId()).isNotEqualTo(second.getId());
        assertThat(first.getContainer()).isSameAs(client);
    }

    @Test
    void pathParametersReachEveryCallbackConverted() throws Exception {
        var recorder = new Recorder();
        Session session = connect(recorder, "/rooms/blue%20room/7?near=window");
        session.getBasicRemote().sendText("hi");
        assertThat(recorder.take()).isEqualTo("blue room#7 7 hi {room=blue room, seat=7} near=window");
    }

    @Test
    void aPathThatDoesNotFitTheTemplateIsNotFound() {
        assertThatThrownBy(() -> connect(new Recorder(), "/rooms/blue"))
                .isInstanceOf(DeploymentException.class).hasMessageContaining("404");
    }

    @Test
    void theConfiguratorRunsInTheHandshake() throws Exception {
        var cookies = new LinkedBlockingQueue<List<String>>();
        var config = ClientEndpointConfig.Builder.create().preferredSubprotocols(List.of("v1", "v2"))
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void afterResponse(HandshakeResponse response) {
                        cookies.add(response.getHeaders().getOrDefault("Set-Cookie", List.of()));
                    }
                }).build();
        var ann = new Recorder();
        Session first = client.connectToServer(ann, config, uri("/whoami?user=ann"));
        var bob = new Recorder();
        Session second = client.connectToServer(bob, config, uri("/whoami?user=bob"));

        assertThat(cookies.poll(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly("visited=yes");
        first.getBasicRemote().sendText("?");
        second.getBasicRemote().sendText("?");
        // Each session has its own user property; both share the one instance getEndpointInstance gave.
        assertThat(ann.take()).isEqualTo("ann v2 2");
        assertThat(bob.take()).isEqualTo("bob v2 2");
        assertThat(first.getNegotiatedSubprotocol()).isEqualTo("v2");
    }

    @Test
    void anOriginTheConfiguratorRefusesIsRefusedWith403() {
        var config = ClientEndpointConfig.Builder.create().configurator(new ClientEndpointConfig.Configurator() {
            @Override
            public void beforeRequest(Map<String, List<String>> headers) {
                headers.put("Origin", List.of("https://evil.example"));
            }
        }).build();
        assertThatThrownBy(() -> client.connectToServer(new Recorder(), config, uri("/whoami")))
                .isInstanceOf(DeploymentException.class).hasMessageContaining("403");
    }

    @Test
    void containerProviderFindsPado() {
        assertThat(ContainerProvider.getWebSocketContainer()).isInstanceOf(PadoWebSocketContainer.class);
    }

    @Test
    void eventLoopDispatchAndPartialMessagesAreRefused() {
        assertThatThrownBy(() -> PadoServerContainer.create(ServerOptions.builder()
                .connection(c -> c.dispatch(Dispatch.EVENT_LOOP)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VIRTUAL_THREADS");
        assertThatThrownBy(() -> PadoWebSocketContainer.create(ClientOptions.builder()
                .connection(c -> c.partialMessages(true)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partialMessages");
    }
}
