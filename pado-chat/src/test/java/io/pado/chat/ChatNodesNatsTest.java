package io.pado.chat;

/** {@link ChatNodesContract} on a real nats-server -js. */
class ChatNodesNatsTest extends ChatNodesContract {
    @Override
    BrokerServer.Kind kind() {
        return BrokerServer.Kind.NATS;
    }
}
