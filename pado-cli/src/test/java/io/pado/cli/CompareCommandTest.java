package io.pado.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompareCommandTest {
    @Test
    void printsOneMeasuredRowPerTransport() throws Exception {
        CliTest.Run run = CliTest.run("", "compare", "--clients", "2", "--seconds", "1", "--rate", "5");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("short polling", "short, keep-alive", "long polling", "long, keep-alive",
                "websocket", "header bytes");
    }
}
