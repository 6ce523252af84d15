package io.pado.cluster;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Broker#nats}: one JetStream stream per topic, {@code PADO_<T>} on subject {@code pado.topic.<T>} (T the
 * topic name made safe for subjects, {@link #token}), so a topic's stream sequence is its offset, dense. Its epoch is
 * written in the stream's description when the stream is created: a deleted and re-created stream is a new epoch.
 * Appends publish with the message id as {@code Nats-Msg-Id}, so the stream's duplicate window (2 minutes) keeps one
 * copy of a message that is retried. Followers are virtual threads that read an ordered consumer started at the next
 * sequence (a consumer resumes by sequence, with flow control: JetStream never drops a slow reader) and check the
 * epoch after every quiet second and every failure. Presence is {@link NatsPresence}. Thread-safe.
 */
final class NatsBroker implements Broker {
    private static final System.Logger LOG = System.getLogger(NatsBroker.class.getName());
    private static final String EPOCH_PREFIX = "pado epoch ";
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int STREAM_NAME_IN_USE = 10058;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration QUIET = Duration.ofSeconds(1);

    private final URI uri;
    private final Connection nats;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final NatsPresence presence;
    private final int historyPerTopic;
    private volatile boolean closed;

    private NatsBroker(URI uri, Connection nats, int historyPerTopic) throws IOException, JetStreamApiException {
        this.uri = uri;
        this.nats = nats;
        this.historyPerTopic = historyPerTopic;
        var jsOptions = JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build();
        this.js = nats.jetStream(jsOptions);
        this.jsm = nats.jetStreamManagement(jsOptions);
        this.presence = NatsPresence.open(nats);
    }

    static NatsBroker connect(URI uri, int historyPerTopic) throws IOException {
        if (historyPerTopic < 1) {
            throw new IllegalArgumentException("historyPerTopic must be positive: " + historyPerTopic);
        }
        if (!"nats".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a nats://host:port address: " + uri);
        }
        var options = new Options.Builder().server(uri.toString()).connectionTimeout(Duration.ofSeconds(2))
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(100)).connectionName("pado-cluster")
                .errorListener(new io.nats.client.ErrorListener() { }).build();
        Connection nats = null;
        try {
            nats = Nats.connect(options);
            return new NatsBroker(uri, nats, historyPerTopic);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            closeQuietly(nats);
            throw new IOException("cannot use NATS JetStream at " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(nats);
            throw new IOException("interrupted while connecting to " + uri, e);
        }
    }

    private static void closeQuietly(Connection nats) {
        if (nats != null) {
            try {
                nats.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A topic name as one subject token and stream-name part: letters, digits and {@code -} stay, {@code _} becomes
     * {@code __}, every other UTF-8 byte {@code _hh}. Different names give different tokens.
     */
    static String token(String topic) {
        var out = new StringBuilder(topic.length() + 8);
        for (byte b : topic.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
                out.append((char) c);
            } else if (c == '_') {
                out.append("__");
            } else {
                out.append('_').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            }
        }
        return out.toString();
    }

    private static String stream(String topic) {
        return "PADO_" + token(topic);
    }

    private static String subject(String topic) {
        return "pado.topic." + token(topic);
    }

    static IOException failure(String doing, Exception e) {
        return new IOException("NATS failed while " + doing + ": " + e.getMessage(), e);
    }

    /** The topic's stream, created (with a new epoch) if there is none. */
    private StreamInfo streamInfo(String topic) throws IOException, JetStreamApiException {
        try {
            return jsm.getStreamInfo(stream(topic));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
        }
        var config = StreamConfiguration.builder().name(stream(topic)).subjects(subject(topic))
                .storageType(StorageType.File).maxMessages(historyPerTopic).discardPolicy(DiscardPolicy.Old)
                .duplicateWindow(Duration.ofMinutes(2)).description(EPOCH_PREFIX + Epochs.next()).build();
        try {
            return jsm.addStream(config);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NAME_IN_USE) {
                return jsm.getStreamInfo(stream(topic)); // another node created it: its epoch holds
            }
            throw e;
        }
    }

    private static String epoch(StreamInfo info) {
        String d = info.getConfiguration().getDescription();
        if (d == null || !d.startsWith(EPOCH_PREFIX)) {
            // Not made by pado: name the history after its creation time.
            return "t" + info.getCreateTime().toInstant().toEpochMilli();
        }
        return d.substring(EPOCH_PREFIX.length());
    }

    /** A topic's epoch as last read, and the highest sequence an append got in it. */
    private record Known(String epoch, long lastSeq) {
    }

    /**
     * Epochs of the topics this node appended to, so that an append costs no stream-info round trip. An ack whose
     * sequence is below one seen before means the stream was re-created (a new epoch): the epoch is read again.
     */
    private final java.util.Map<String, Known> known = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public List<Position> append(String topic, List<Draft> drafts, Attempt attempt) throws IOException {
        try {
            Known k = known.get(topic);
            if (k == null) {
                k = new Known(epoch(streamInfo(topic)), 0);
            }
            var acks = new ArrayList<CompletableFuture<PublishAck>>(drafts.size());
            for (Draft d : drafts) {
                var options = PublishOptions.builder().messageId(d.id()).expectedStream(stream(topic)).build();
                var headers = new Headers().put("Pado-Id", d.id());
                acks.add(js.publishAsync(subject(topic), headers, d.data().getBytes(StandardCharsets.UTF_8),
                        options));
            }
            var seqs = new long[acks.size()];
            long lowest = Long.MAX_VALUE;
            long highest = 0;
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = acks.get(i).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getSeqno();
                lowest = Math.min(lowest, seqs[i]);
                highest = Math.max(highest, seqs[i]);
            }
            String epoch = k.epoch();
            if (lowest <= k.lastSeq() && attempt == Attempt.FIRST) {
                epoch = epoch(jsm.getStreamInfo(stream(topic))); // numbered again from 1: a new stream
            }
            known.put(topic, new Known(epoch, Math.max(highest, epoch.equals(k.epoch()) ? k.lastSeq() : 0)));
            var positions = new ArrayList<Position>(seqs.length);
            for (long seq : seqs) {
                positions.add(new Position(epoch, seq));
            }
            return positions;
        } catch (JetStreamApiException | ExecutionException | TimeoutException | RuntimeException e) {
            known.remove(topic); // the stream may be gone: the next append reads (or creates) it
            throw failure("appending to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("appending to " + topic, e);
        }
    }

    @Override
    public Head head(String topic) throws IOException {
        try {
            StreamInfo info = streamInfo(topic);
            long last = info.getStreamState().getLastSequence();
            long first = info.getStreamState().getMsgCount() == 0 ? last + 1 : info.getStreamState()
                    .getFirstSequence();
            return new Head(epoch(info), first, last);
        } catch (JetStreamApiException | RuntimeException e) {
            throw failure("reading the head of " + topic, e);
        }
    }

    @Override
    public List<TopicMessage> read(String topic, long afterOffset, int max) throws IOException {
        try {
            StreamInfo info = streamInfo(topic);
            String epoch = epoch(info);
            long last = info.getStreamState().getLastSequence();
            if (afterOffset >= last || max < 1) {
                return List.of();
            }
            int wanted = (int) Math.min(max, last - afterOffset);
            var ordered = nats.getStreamContext(stream(topic)).createOrderedConsumer(
                    new OrderedConsumerConfiguration().filterSubject(subject(topic))
                            .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(afterOffset + 1));
            var out = new ArrayList<TopicMessage>(wanted);
            try (FetchConsumer fetch = ordered.fetch(FetchConsumeOptions.builder().maxMessages(wanted)
                    .expiresIn(REQUEST_TIMEOUT.toMillis()).build())) {
                for (Message m; out.size() < wanted && (m = fetch.nextMessage()) != null; ) {
                    out.add(message(topic, epoch, m));
                    if (m.metaData().streamSequence() >= last) {
                        break;
                    }
                }
            }
            return out;
        } catch (JetStreamApiException | io.nats.client.JetStreamStatusCheckedException | RuntimeException e) {
            throw failure("reading " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("reading " + topic, e);
        } catch (Exception e) { // FetchConsumer.close
            throw failure("reading " + topic, e);
        }
    }

    private static TopicMessage message(String topic, String epoch, Message m) {
        Headers h = m.getHeaders();
        String id = h == null ? null : h.getFirst("Pado-Id");
        long seq = m.metaData().streamSequence();
        return new TopicMessage(topic, new Position(epoch, seq), id == null ? "nats-" + seq : id,
                new String(m.getData(), StandardCharsets.UTF_8));
    }

    @Override
    public Follower follow(String topic, Sink sink) {
        var follower = new NatsFollower(topic, sink);
        follower.nudges = nats.createDispatcher(msg -> sink.presence());
        follower.nudges.subscribe(NatsPresence.nudgeSubject(topic));
        follower.thread = Thread.ofVirtual().name("pado-cluster-nats-" + topic).start(follower::run);
        return follower;
    }

    /** One topic followed through ordered consumers, each started at the sequence after the last one delivered. */
    private final class NatsFollower implements Follower {
        private final String topic;
        private final Sink sink;
        private volatile boolean stopped;
        volatile Thread thread;
        volatile Dispatcher nudges;

        NatsFollower(String topic, Sink sink) {
            this.topic = topic;
            this.sink = sink;
        }

        void run() {
            var backoff = new Backoff();
            String epoch = null;
            long last = 0;
            while (!stopped && !closed) {
                try {
                    StreamInfo info = streamInfo(topic);
                    String now = epoch(info);
                    if (epoch == null || !epoch.equals(now)) {
                        last = epoch == null ? info.getStreamState().getLastSequence() : 0;
                        epoch = now;
                        sink.started(epoch, last);
                    }
                    var ordered = nats.getStreamContext(stream(topic)).createOrderedConsumer(
                            new OrderedConsumerConfiguration().filterSubject(subject(topic))
                                    .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(last + 1));
                    try (IterableConsumer consumer = ordered.iterate()) {
                        backoff.reset();
                        while (!stopped && !closed) {
                            Message m = consumer.nextMessage(QUIET);
                            if (m == null) {
                                StreamInfo quiet = jsm.getStreamInfo(stream(topic));
                                if (!epoch.equals(epoch(quiet)) || quiet.getStreamState().getLastSequence() > last) {
                                    // A new history (start over from its head), or a quiet second with messages
                                    // this consumer did not bring (it did not survive a server restart): a new
                                    // consumer resumes from the sequence after the last one delivered.
                                    break;
                                }
                                continue;
                            }
                            TopicMessage message = message(topic, epoch, m);
                            if (message.offset() > last) {
                                sink.message(message);
                                last = message.offset();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (stopped || closed) {
                        return;
                    }
                    sink.failed(e);
                    try {
                        Thread.sleep(backoff.nextMillis());
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            stopped = true;
            Dispatcher d = nudges;
            if (d != null && !closed) {
                nats.closeDispatcher(d);
            }
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(QUIET.multipliedBy(3));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public boolean claim(String topic, String name, String node, Duration ttl) throws IOException {
        return presence.claim(topic, name, node, ttl);
    }

    @Override
    public void release(String topic, String name, String node) throws IOException {
        presence.release(topic, name, node);
    }

    @Override
    public List<Presence> roster(String topic, String node, Collection<String> mine, Duration ttl)
            throws IOException {
        return presence.roster(topic, node, mine, ttl);
    }

    /** The inverse of {@link #token}. */
    static String decodeName(String token) {
        var bytes = new java.io.ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c != '_') {
                bytes.write(c);
            } else if (token.charAt(i + 1) == '_') {
                bytes.write('_');
                i++;
            } else {
                bytes.write(Integer.parseInt(token.substring(i + 1, i + 3), 16));
                i += 2;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void ping() throws IOException {
        try {
            if (nats.getStatus() != Connection.Status.CONNECTED) {
                throw new IOException("not connected to " + uri + ": " + nats.getStatus());
            }
            jsm.getAccountStatistics();
        } catch (JetStreamApiException | RuntimeException e) {
            throw failure("pinging", e);
        }
    }

    @Override
    public String describe() {
        return "NATS JetStream at " + uri;
    }

    @Override
    public void close() {
        closed = true;
        try {
            nats.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.DEBUG, "cluster: closed NATS at {0}", uri);
    }
}
