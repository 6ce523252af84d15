package io.pado.cluster;

import java.net.URI;

/** {@link TopicsContract} on the in-memory broker: one node. */
class MemoryTopicsTest extends TopicsContract {
    @Override
    URI broker() {
        return URI.create("memory:local");
    }

    @Override
    TestNode second(TestNode first) {
        return first;
    }
}
