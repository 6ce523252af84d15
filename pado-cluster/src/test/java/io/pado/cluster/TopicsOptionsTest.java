package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicsOptionsTest {
    @Test
    void defaultsAreOneNodeInMemory() {
        TopicsOptions o = TopicsOptions.DEFAULT;
        assertThat(o.brokerAddress()).isEqualTo(URI.create("memory:local"));
        assertThat(o.historyPerTopic()).isEqualTo(1000);
        assertThat(o.presenceTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.toBuilder().historyPerTopic(5).build().historyPerTopic()).isEqualTo(5);
    }

    @Test
    void badValuesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> TopicsOptions.builder().historyPerTopic(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("historyPerTopic").hasMessageContaining("0");
        assertThatThrownBy(() -> TopicsOptions.builder().presenceTtl(Duration.ofMillis(10)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.01S");
        assertThatThrownBy(() -> TopicsOptions.builder().node("a b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a b");
        assertThatThrownBy(() -> Broker.open(URI.create("kafka://x:1"), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafka://x:1");
    }
}
