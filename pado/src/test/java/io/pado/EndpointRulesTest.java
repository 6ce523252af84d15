package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Endpoint rules: a required subprotocol (400 otherwise) and same-origin checks (403 otherwise). */
class EndpointRulesTest {

    private static String handshake(int port, String host, String extraLines) throws Exception {
        try (RawSocket raw = RawSocket.connect(port)) {
            raw.write(RawSocket.upgradeRequest("/chat", "Sec-WebSocket-Version: 13\r\n" + extraLines)
                    .replace("Host: 127.0.0.1\r\n", "Host: " + host + "\r\n"));
            String head = raw.readHead();
            if (!head.startsWith("HTTP/1.1 101")) {
                head += new String(raw.input().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            return head;
        }
    }

    @Test
    void clientOfferingNoKnownSubprotocolIsRefusedWith400NamingThem() throws Exception {
        Endpoint chat = Endpoint.builder("/chat", new Echo())
                .subprotocols("superchat", "chat")
                .subprotocolRule(Endpoint.SubprotocolRule.REQUIRED)
                .build();
        try (Server server = Server.create(ServerOptions.DEFAULT).endpoint(chat).start()) {
            String host = "127.0.0.1:" + server.port();
            assertThat(handshake(server.port(), host, "Sec-WebSocket-Protocol: mqtt\r\n"))
                    .startsWith("HTTP/1.1 400").contains("superchat, chat");
            assertThat(handshake(server.port(), host, "")).startsWith("HTTP/1.1 400");
            assertThat(handshake(server.port(), host, "Sec-WebSocket-Protocol: mqtt, chat\r\n"))
                    .startsWith("HTTP/1.1 101").contains("Sec-WebSocket-Protocol: chat");
        }
    }

    @Test
    void sameOriginAcceptsThePagesOwnOriginByAnyHostNameAndRefusesOthers() throws Exception {
        Endpoint chat = Endpoint.builder("/chat", new Echo())
                .originRule(Endpoint.OriginRule.SAME_ORIGIN)
                .allowedOrigins("https://partner.example")
                .build();
        try (Server server = Server.create(ServerOptions.DEFAULT).endpoint(chat).start()) {
            int port = server.port();
            assertThat(handshake(port, "127.0.0.1:" + port, "Origin: http://127.0.0.1:" + port + "\r\n"))
                    .startsWith("HTTP/1.1 101");
            assertThat(handshake(port, "localhost:" + port, "Origin: http://localhost:" + port + "\r\n"))
                    .startsWith("HTTP/1.1 101");
            assertThat(handshake(port, "127.0.0.1:" + port, "Origin: https://partner.example\r\n"))
                    .startsWith("HTTP/1.1 101");
            assertThat(handshake(port, "127.0.0.1:" + port, "Origin: https://evil.example\r\n"))
                    .startsWith("HTTP/1.1 403");
            assertThat(handshake(port, "127.0.0.1:" + port, "Origin: http://localhost:" + port + "\r\n"))
                    .as("another host name is another origin").startsWith("HTTP/1.1 403");
            assertThat(handshake(port, "example.com", "Origin: http://example.com\r\n"))
                    .as("a Host without port means 80 on ws://").startsWith("HTTP/1.1 101");
        }
    }

    @Test
    void originRulesCompareDefaultPortsAndIpv6() {
        Endpoint same = Endpoint.builder("/", new Echo()).originRule(Endpoint.OriginRule.SAME_ORIGIN).build();
        assertThat(same.allowsOrigin(Optional.of("http://example.com"), "example.com:80")).isTrue();
        assertThat(same.allowsOrigin(Optional.of("https://example.com"), "example.com:443")).isTrue();
        assertThat(same.allowsOrigin(Optional.of("https://example.com"), "example.com:80")).isFalse();
        assertThat(same.allowsOrigin(Optional.of("http://[::1]:8080"), "[::1]:8080")).isTrue();
        assertThat(same.allowsOrigin(Optional.of("null"), "example.com:80")).isFalse();
        assertThat(same.allowsOrigin(Optional.empty(), "example.com:80")).as("not a browser").isTrue();
        Endpoint byDefault = Endpoint.of("/", new Echo());
        assertThat(byDefault.originRule()).as("the safe default").isEqualTo(Endpoint.OriginRule.SAME_ORIGIN);
        assertThat(byDefault.allowsOrigin(Optional.of("https://evil.example"), "example.com:443")).isFalse();
        assertThat(byDefault.allowsOrigin(Optional.of("https://example.com"), "example.com:443")).isTrue();
        Endpoint alsoListed = byDefault.toBuilder().allowedOrigins("https://a.example").build();
        assertThat(alsoListed.allowsOrigin(Optional.of("https://a.example"), "example.com:443")).isTrue();
        assertThat(alsoListed.allowsOrigin(Optional.of("https://example.com"), "example.com:443")).isTrue();
        Endpoint any = byDefault.toBuilder().originRule(Endpoint.OriginRule.LISTED).build();
        assertThat(any.allowsOrigin(Optional.of("https://evil.example"), "example.com")).isTrue();
        Endpoint listed = any.toBuilder().allowedOrigins("https://a.example").build();
        assertThat(listed.allowsOrigin(Optional.of("https://evil.example"), "example.com")).isFalse();
        assertThat(listed.allowsOrigin(Optional.of("https://example.com"), "example.com:443")).isFalse();
        assertThatThrownBy(() -> any.toBuilder().subprotocolRule(Endpoint.SubprotocolRule.REQUIRED).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
