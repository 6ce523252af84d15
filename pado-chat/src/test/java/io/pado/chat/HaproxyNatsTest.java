package io.pado.chat;

/** {@link HaproxyTest} with the three nodes sharing rooms through a real nats-server -js. */
class HaproxyNatsTest extends HaproxyTest {
    @Override
    BrokerServer.Kind kind() {
        return BrokerServer.Kind.NATS;
    }
}
