package io.pado.cluster;

import java.net.URI;
import org.junit.jupiter.api.BeforeEach;

/** {@link TopicsContract} on a real {@code nats-server -js}: two nodes. */
class NatsTopicsTest extends TopicsContract {
    BrokerProcess nats;

    @BeforeEach
    void startNats() throws Exception {
        nats = BrokerProcess.nats();
        closing.add(nats); // closed after the nodes
    }

    @Override
    URI broker() {
        return nats.uri();
    }

    @Override
    TestNode second(TestNode first) throws Exception {
        return node();
    }
}
