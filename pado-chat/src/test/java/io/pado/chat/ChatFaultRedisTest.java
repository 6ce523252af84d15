package io.pado.chat;

/** {@link ChatFaultContract} on a real redis-server (AOF, appendfsync always). */
class ChatFaultRedisTest extends ChatFaultContract {
    @Override
    BrokerServer.Kind kind() {
        return BrokerServer.Kind.REDIS;
    }
}
