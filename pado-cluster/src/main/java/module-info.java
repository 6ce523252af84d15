/**
 * pado-cluster: topics that span pado nodes. A {@link io.pado.cluster.Topics} on each node puts WebSockets into
 * topics; a message published on any node reaches every member on every node, in one order per topic, numbered by
 * an offset within an epoch so that a client can resume where it left off on any node. The nodes share a
 * {@link io.pado.cluster.Broker}: in memory (one node), NATS JetStream or Redis Streams. The broker clients are
 * optional dependencies: put jnats or Jedis on the path to use them (on the module path, also
 * {@code --add-modules io.nats.jnats} or {@code redis.clients.jedis}).
 */
module io.pado.cluster {
    requires transitive io.pado;
    requires static io.nats.jnats;
    requires static redis.clients.jedis;
    requires static org.apache.commons.pool2;

    exports io.pado.cluster;
}
