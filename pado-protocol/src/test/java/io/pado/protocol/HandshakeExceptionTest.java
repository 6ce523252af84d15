package io.pado.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandshakeExceptionTest {

    @Test
    void factoriesSetTheirStatus() {
        assertThat(HandshakeException.badRequest("x").status()).isEqualTo(400);
        assertThat(HandshakeException.forbidden("origin not allowed").status()).isEqualTo(403);
        assertThat(HandshakeException.notFound("no such path").status()).isEqualTo(404);
        assertThat(HandshakeException.notFound("no such path")).hasMessage("no such path");
        assertThat(HandshakeException.forbidden("x").headers().isEmpty()).isTrue();
    }

    @Test
    void itIsAnIOExceptionWithoutStackTrace() {
        var e = new HandshakeException(426, "old version", Headers.of("Sec-WebSocket-Version", "13"));

        assertThat(e).isInstanceOf(IOException.class);
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.headers().first("Sec-WebSocket-Version")).contains("13");
    }

    @Test
    void statusIsZeroOrAnHttpStatus() {
        assertThat(new HandshakeException(0, "bad accept").status()).isZero();
        assertThatThrownBy(() -> new HandshakeException(99, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99");
        assertThatThrownBy(() -> new HandshakeException(600, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeException(-1, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> new HandshakeException(400, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HandshakeException(400, "x", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aDeserializedExceptionKeepsStatusAndMessageButNoHeaders() throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HandshakeException(426, "old", Headers.of("A", "b")));
        }
        try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            var e = (HandshakeException) in.readObject();

            assertThat(e.status()).isEqualTo(426);
            assertThat(e).hasMessage("old");
            assertThat(e.headers().isEmpty()).isTrue();
        }
    }
}
