package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NatsBrokerTest {
    @Test
    void topicNamesBecomeSubjectTokensThatDifferWhenTheNamesDo() {
        assertThat(NatsBroker.token("room-1")).isEqualTo("room-1");
        assertThat(NatsBroker.token("a.b")).isEqualTo("a_2eb");
        assertThat(NatsBroker.token("a_2eb")).isEqualTo("a__2eb");
        assertThat(NatsBroker.token("a b>*")).doesNotContain(" ", ".", ">", "*");
        assertThat(NatsBroker.token("café")).isEqualTo("caf_c3_a9");
        for (String name : new String[] {"a.b", "a_2eb", "café", "x y", "__", "_"}) {
            assertThat(NatsBroker.decodeName(NatsBroker.token(name))).isEqualTo(name);
        }
    }
}
