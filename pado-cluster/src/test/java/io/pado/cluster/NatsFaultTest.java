package io.pado.cluster;

/** {@link FaultContract} on a real {@code nats-server -js} with its store under target/. */
class NatsFaultTest extends FaultContract {
    @Override
    BrokerProcess startBroker() throws Exception {
        return BrokerProcess.nats();
    }
}
