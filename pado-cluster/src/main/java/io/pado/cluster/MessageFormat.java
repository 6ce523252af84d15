package io.pado.cluster;

/**
 * How a topic's messages and gap notices look to a member: the text frame each becomes. {@link Topics} renders a
 * message once per format per node and sends the same frame to every member of that format
 * ({@link io.pado.Server#broadcast}), so a format is compared by identity: keep one instance per kind of client.
 *
 * <p>Threads: called by the node's delivery and catch-up threads, one message at a time per topic but possibly for
 * several topics at once; implementations must be thread-safe and should not block.
 *
 * {@snippet :
 * MessageFormat lines = new MessageFormat() {
 *     @Override
 *     public String message(TopicMessage m) {
 *         return m.position().epoch() + " " + m.offset() + " " + m.data();
 *     }
 *
 *     @Override
 *     public String gap(Gap gap) {
 *         return "gap " + gap.reason() + ": reload";
 *     }
 * };
 * }
 */
public interface MessageFormat {

    /**
     * The default: one JSON object per message, {@code {"topic":"t","epoch":"e","offset":7,"id":"…","data":"…"}},
     * and per gap {@code {"topic":"t","gap":"TRIMMED","epoch":"e","offset":9}} where epoch and offset say after
     * which position delivery goes on.
     */
    MessageFormat JSON = new MessageFormat() {
        @Override
        public String message(TopicMessage m) {
            var out = new StringBuilder(m.data().length() + m.topic().length() + 64);
            out.append("{\"topic\":");
            Json.string(out, m.topic());
            out.append(",\"epoch\":");
            Json.string(out, m.position().epoch());
            out.append(",\"offset\":").append(m.offset()).append(",\"id\":");
            Json.string(out, m.id());
            out.append(",\"data\":");
            Json.string(out, m.data());
            return out.append('}').toString();
        }

        @Override
        public String gap(Gap gap) {
            var out = new StringBuilder(96);
            out.append("{\"topic\":");
            Json.string(out, gap.topic());
            out.append(",\"gap\":\"").append(gap.reason()).append("\",\"epoch\":");
            Json.string(out, gap.resumedAt().epoch());
            return out.append(",\"offset\":").append(gap.resumedAt().offset()).append('}').toString();
        }

        @Override
        public String toString() {
            return "MessageFormat.JSON";
        }
    };

    /** The text frame for one message. */
    String message(TopicMessage message);

    /** The text frame that tells a member it missed messages that cannot be had ({@link Gap}). */
    String gap(Gap gap);
}
