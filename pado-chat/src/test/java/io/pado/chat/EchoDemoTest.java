package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EchoDemoTest {

    @Test
    void portComesFromTheCommandLineThenTheEnvironmentThen8080() {
        assertThat(EchoDemo.port(new String[] {"--port", "9000"}, Map.of("PADO_PORT", "9001"))).isEqualTo(9000);
        assertThat(EchoDemo.port(new String[] {"--port=9002"}, Map.of())).isEqualTo(9002);
        assertThat(EchoDemo.port(new String[0], Map.of("PADO_PORT", "9001"))).isEqualTo(9001);
        assertThat(EchoDemo.port(new String[0], Map.of())).isEqualTo(8080);
    }

    @Test
    void badPortIsRefused() {
        assertThatThrownBy(() -> EchoDemo.port(new String[] {"--port", "http"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
    }

    @Test
    void pageConnectsToTheEchoEndpoint() throws Exception {
        try (var in = EchoDemo.class.getResourceAsStream("index.html")) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).contains("/echo");
        }
    }
}
