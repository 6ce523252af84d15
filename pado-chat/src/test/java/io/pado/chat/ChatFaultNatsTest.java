package io.pado.chat;

/** {@link ChatFaultContract} on a real nats-server -js. */
class ChatFaultNatsTest extends ChatFaultContract {
    @Override
    BrokerServer.Kind kind() {
        return BrokerServer.Kind.NATS;
    }
}
