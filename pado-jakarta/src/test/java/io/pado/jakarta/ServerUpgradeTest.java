package io.pado.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.HandshakeException;
import io.pado.Headers;
import io.pado.jakarta.examples.Echo;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Jakarta steps of the server handshake (§3.1.2 to §3.1.5) against a stand-in for pado's {@code Upgrade}: what
 * they check, choose, add and attach. PadoContainersTest runs them in a real handshake.
 */
class ServerUpgradeTest {

    /** A request as pado's upgrade check would show it, recording what the steps set. */
    static final class FakeUpgrade implements UpgradeView {
        final Headers headers;
        String subprotocol;
        final List<String> responseHeaders = new ArrayList<>();
        Object attachment;

        FakeUpgrade(String... headers) {
            this.headers = Headers.of(headers);
        }

        @Override
        public String path() {
            return "/rooms/blue";
        }

        @Override
        public String query() {
            return "user=ann&tag=a&tag=b%20c";
        }

        @Override
        public Headers headers() {
            return headers;
        }

        @Override
        public Optional<String> origin() {
            return headers.first("Origin");
        }

        @Override
        public List<String> offeredSubprotocols() {
            return headers.tokens("Sec-WebSocket-Protocol");
        }

        @Override
        public Map<String, String> pathParameters() {
            return Map.of("room", "blue");
        }

        @Override
        public void subprotocol(String subprotocol) {
            this.subprotocol = subprotocol;
        }

        @Override
        public void noSubprotocol() {
            this.subprotocol = "(none)";
        }

        @Override
        public void responseHeader(String name, String value) {
            responseHeaders.add(name + ": " + value);
        }

        @Override
        public void attach(Object attachment) {
            this.attachment = attachment;
        }
    }

    /** Allows one origin, stamps a cookie, and remembers the user in the connection's properties. */
    public static final class Stamping extends ServerEndpointConfig.Configurator {
        final List<Map<String, Object>> seenProperties = new ArrayList<>();

        @Override
        public boolean checkOrigin(String origin) {
            return "https://good.example".equals(origin);
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
                HandshakeResponse response) {
            config.getUserProperties().put("user", request.getParameterMap().get("user").get(0));
            config.getUserProperties().put("agent", request.getHeaders().get("user-agent").get(0));
            seenProperties.add(config.getUserProperties());
            response.getHeaders().put("Set-Cookie", List.of("seen=1"));
            response.getHeaders().put("Sec-WebSocket-Accept", List.of("forged"));
        }
    }

    private static ServerEndpointConfig config(ServerEndpointConfig.Configurator configurator) {
        var config = ServerEndpointConfig.Builder.create(Echo.class, "/rooms/{room}")
                .subprotocols(List.of("v1", "v2")).configurator(configurator).build();
        config.getUserProperties().put("shared", "yes");
        return config;
    }

    @Test
    void theDefaultsChooseTheClientsFirstSubprotocolAndAnyOrigin() throws HandshakeException {
        var upgrade = new FakeUpgrade("Origin", "https://any.example", "Sec-WebSocket-Protocol", "v2, v1");
        new ServerUpgrade(config(new PadoServerConfigurator()), List.of(), false).check(upgrade);

        assertThat(upgrade.subprotocol).isEqualTo("v2");
        assertThat(upgrade.responseHeaders).isEmpty();
        var handshake = (Handshake) upgrade.attachment;
        assertThat(handshake.pathParameters()).containsEntry("room", "blue");
        assertThat(handshake.query()).isEqualTo("user=ann&tag=a&tag=b%20c");
        assertThat(Handshake.parameters(handshake.query())).containsEntry("tag", List.of("a", "b c"));
        assertThat(handshake.requestUri()).hasToString("/rooms/blue?user=ann&tag=a&tag=b%20c");
    }

    @Test
    void noSubprotocolInCommonChoosesNone() throws HandshakeException {
        var upgrade = new FakeUpgrade("Sec-WebSocket-Protocol", "v3");
        new ServerUpgrade(config(new PadoServerConfigurator()), List.of(), false).check(upgrade);
        assertThat(upgrade.subprotocol).isEqualTo("(none)");
    }

    @Test
    void anOriginTheConfiguratorRefusesGets403() {
        var upgrade = new FakeUpgrade("Origin", "https://evil.example");
        assertThatThrownBy(() -> new ServerUpgrade(config(new Stamping()), List.of(), false).check(upgrade))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(upgrade.attachment).isNull();
    }

    @Test
    void modifyHandshakeAddsHeadersAndFillsTheConnectionsOwnProperties() throws HandshakeException {
        var configurator = new Stamping();
        ServerEndpointConfig config = config(configurator);
        var upgrade = new FakeUpgrade("Origin", "https://good.example", "User-Agent", "test");
        new ServerUpgrade(config, List.of(), true).check(upgrade);

        // pado writes the Sec-WebSocket-* fields itself: a configurator's are dropped (RFC 6455 §4.2.2)
        assertThat(upgrade.responseHeaders).containsExactly("Set-Cookie: seen=1");
        var handshake = (Handshake) upgrade.attachment;
        assertThat(handshake.userProperties()).containsEntry("shared", "yes").containsEntry("user", "ann")
                .containsEntry("agent", "test");
        assertThat(handshake.secure()).isTrue();
        // §3.1.5: a per-connection copy; the endpoint's own map is untouched
        assertThat(config.getUserProperties()).containsOnlyKeys("shared");
        var second = new FakeUpgrade("Origin", "https://good.example", "User-Agent", "other");
        new ServerUpgrade(config, List.of(), true).check(second);
        assertThat(configurator.seenProperties.get(0)).isNotSameAs(configurator.seenProperties.get(1))
                .containsEntry("agent", "test");
    }

    @Test
    void extensionsArePermessageDeflateWhenInstalledAndAsked() throws HandshakeException {
        List<Extension> installed = List.of(SimpleExtension.named(SimpleExtension.PERMESSAGE_DEFLATE));
        var asked = new FakeUpgrade("Sec-WebSocket-Extensions", "x-foo, permessage-deflate; client_max_window_bits");
        new ServerUpgrade(config(new PadoServerConfigurator()), installed, false).check(asked);
        assertThat(((Handshake) asked.attachment).extensions()).extracting(Extension::getName)
                .containsExactly("permessage-deflate");

        var notInstalled = new FakeUpgrade("Sec-WebSocket-Extensions", "permessage-deflate");
        new ServerUpgrade(config(new PadoServerConfigurator()), List.of(), false).check(notInstalled);
        assertThat(((Handshake) notInstalled.attachment).extensions()).isEmpty();
    }

    @Test
    void aConfiguratorThatThrowsGets500() {
        var throwing = new ServerEndpointConfig.Configurator() {
            @Override
            public boolean checkOrigin(String origin) {
                throw new IllegalStateException("boom");
            }
        };
        assertThatThrownBy(() -> new ServerUpgrade(config(throwing), List.of(), false).check(new FakeUpgrade()))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(500));
    }

}
