package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** An endpoint's upgrade check and path templates, through real handshakes from pado's client. */
class UpgradeCheckTest {

    record Member(String user, String room) {
    }

    /** A server whose /rooms/{room} endpoint lets in requests with a token, and says who and where. */
    static Server server(Dispatch dispatch, CompletableFuture<Object> attached) throws Exception {
        Handler handler = new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                attached.complete(ws.attachment());
                ws.sendText(((Member) ws.attachment()).room() + ":" + ws.path());
            }
        };
        Endpoint rooms = Endpoint.builder("/rooms/{room}", handler)
                .subprotocols("v1", "v2")
                .upgradeCheck(upgrade -> {
                    String token = upgrade.headers().first("Authorization").orElse("");
                    if (!token.equals("Bearer s3cret")) {
                        throw new HandshakeException(401, "log in first",
                                Headers.of("WWW-Authenticate", "Bearer"));
                    }
                    if (upgrade.pathParameters().get("room").equals("crash")) {
                        throw new IllegalStateException("a bug in the check (expected by the test)");
                    }
                    upgrade.subprotocol("v2");
                    upgrade.responseHeader("Set-Cookie", "seen=1");
                    upgrade.attach(new Member("ana", upgrade.pathParameters().get("room")));
                })
                .build();
        return Server.create(ServerOptions.builder().eventLoops(1).connection(c -> c.dispatch(dispatch)).build())
                .endpoint(rooms)
                .endpoint("/rooms/lobby", new Echo()) // an exact path wins over the template
                .start();
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void theCheckSeesTheRequestAndShapesTheAnswer(Dispatch dispatch) throws Exception {
        var attached = new CompletableFuture<Object>();
        var options = ClientOptions.builder().subprotocols("v1", "v2").bearerToken("s3cret").build();
        try (Server server = server(dispatch, attached); Client client = Client.create(options)) {
            var inbox = new CompletableFuture<String>();
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/rooms/bl%C3%BCe"),
                    new Handler() {
                        @Override
                        public void onText(WebSocket ws, String text) {
                            inbox.complete(text);
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertThat(ws.subprotocol()).as("the check's choice, not the endpoint's first").contains("v2");
            assertThat(ws.handshakeHeaders().first("Set-Cookie")).contains("seen=1");
            assertThat(attached.get(10, TimeUnit.SECONDS)).isEqualTo(new Member("ana", "blüe"));
            assertThat(inbox.get(10, TimeUnit.SECONDS)).isEqualTo("blüe:/rooms/bl%C3%BCe");
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void aRefusalGetsItsStatusAndHeadersAndABugGets500(Dispatch dispatch) throws Exception {
        try (Server server = server(dispatch, new CompletableFuture<>()); Client anonymous = Client.create(
                ClientOptions.DEFAULT); Client member = Client.create(ClientOptions.builder()
                .bearerToken("s3cret").build())) {
            String base = "ws://127.0.0.1:" + server.port() + "/rooms/";
            assertThatThrownBy(() -> anonymous.connect(URI.create(base + "blue"), new Recorder()).join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOfSatisfying(HandshakeException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.headers().first("WWW-Authenticate")).contains("Bearer");
                    });
            assertThatThrownBy(() -> member.connect(URI.create(base + "crash"), new Recorder()).join())
                    .cause().isInstanceOfSatisfying(HandshakeException.class,
                            e -> assertThat(e.status()).isEqualTo(500));
            // The exact path has no check, and no parameters to match
            assertThat(anonymous.connect(URI.create(base + "lobby"), new Recorder()).get(10, TimeUnit.SECONDS)
                    .attachment()).isNull();
            assertThatThrownBy(() -> anonymous.connect(URI.create(base + "a/b"), new Recorder()).join())
                    .cause().isInstanceOfSatisfying(HandshakeException.class,
                            e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    @Test
    void templatesAreCheckedWhenTheEndpointIsBuilt() {
        for (String bad : new String[] {"/rooms/{room", "/rooms/x{room}", "/{a}/{a}", "/rooms/{}"}) {
            assertThatThrownBy(() -> Endpoint.of(bad, new Echo())).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        Endpoint e = Endpoint.of("/a/{x}/b/{y}", new Echo());
        assertThat(e.match("/a/1/b/2")).isEqualTo(Map.of("x", "1", "y", "2"));
        assertThat(e.match("/a/1/c/2")).isNull();
        assertThat(e.match("/a//b/2")).isNull();
    }

    @Test
    void theCheckCannotNameASubprotocolTheClientDidNotOfferNorSetTheHandshakesHeaders() {
        var upgrade = new Upgrade("/", java.util.Optional.empty(), Headers.of(), java.util.Optional.empty(),
                java.util.List.of("v1"), null, Map.of(), java.util.Optional.empty());
        assertThatThrownBy(() -> upgrade.subprotocol("v9")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> upgrade.responseHeader("Sec-WebSocket-Accept", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> upgrade.responseHeader("X-Bad", "a\r\nb"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
