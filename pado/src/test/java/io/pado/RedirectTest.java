package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a redirect leads, without sockets. */
class RedirectTest {

    static URI next(String from, String location) throws HandshakeException {
        return Redirect.next(new ArrayList<>(List.of(URI.create(from))),
                new HandshakeException(302, "server answered 302", Headers.of("Location", location)), 5);
    }

    @Test
    void relativeLocationsResolveAgainstTheCurrentUri() throws Exception {
        assertThat(next("ws://a.example/x/y?q", "z")).isEqualTo(URI.create("ws://a.example/x/z"));
        assertThat(next("ws://a.example/x/y", "/top?k=v")).isEqualTo(URI.create("ws://a.example/top?k=v"));
        assertThat(next("wss://a.example:8443/x", "//b.example/p")).isEqualTo(URI.create("wss://b.example/p"));
    }

    @Test
    void httpSchemesMapToWebSocketSchemes() throws Exception {
        assertThat(next("ws://a/", "https://b/s")).isEqualTo(URI.create("wss://b/s"));
        assertThat(next("ws://a/", "HTTP://b/s")).isEqualTo(URI.create("ws://b/s"));
        assertThat(next("wss://a/", "wss://b/s#frag")).isEqualTo(URI.create("wss://b/s"));
    }

    @Test
    void downgradesAndOtherSchemesAreRefused() {
        assertThatThrownBy(() -> next("wss://a/", "http://a/")).hasMessageContaining("wss to ws refused");
        assertThatThrownBy(() -> next("wss://a/", "ws://a/")).hasMessageContaining("wss to ws refused");
        assertThatThrownBy(() -> next("ws://a/", "ftp://a/")).hasMessageContaining("not http(s) or ws(s)");
        assertThatThrownBy(() -> next("ws://a/", "ws://user:pw@b/")).hasMessageContaining("user info");
        assertThatThrownBy(() -> next("ws://a/", "http://[bad")).hasMessageContaining("not a URI");
    }

    @Test
    void sameServerComparesHostAndEffectivePort() {
        assertThat(Redirect.sameServer(URI.create("ws://A.example/"), URI.create("ws://a.example:80/x"))).isTrue();
        assertThat(Redirect.sameServer(URI.create("ws://a.example/"), URI.create("wss://a.example/"))).isFalse();
        assertThat(Redirect.sameServer(URI.create("ws://a.example/"), URI.create("ws://b.example/"))).isFalse();
    }
}
