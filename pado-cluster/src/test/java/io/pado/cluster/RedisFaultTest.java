package io.pado.cluster;

/** {@link FaultContract} on a real {@code redis-server} (AOF, {@code appendfsync always}) under target/. */
class RedisFaultTest extends FaultContract {
    @Override
    BrokerProcess startBroker() throws Exception {
        return BrokerProcess.redis();
    }
}
