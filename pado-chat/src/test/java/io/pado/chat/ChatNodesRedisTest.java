package io.pado.chat;

/** {@link ChatNodesContract} on a real redis-server. */
class ChatNodesRedisTest extends ChatNodesContract {
    @Override
    BrokerServer.Kind kind() {
        return BrokerServer.Kind.REDIS;
    }
}
