package io.pado.cluster;

import java.net.URI;
import org.junit.jupiter.api.BeforeEach;

/** {@link TopicsContract} on a real {@code redis-server}: two nodes. */
class RedisTopicsTest extends TopicsContract {
    BrokerProcess redis;

    @BeforeEach
    void startRedis() throws Exception {
        redis = BrokerProcess.redis();
        closing.add(redis); // closed after the nodes
    }

    @Override
    URI broker() {
        return redis.uri();
    }

    @Override
    TestNode second(TestNode first) throws Exception {
        return node();
    }
}
