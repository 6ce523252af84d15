package io.pado.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a WebSocket joins a topic: under which presence name, from where, in which format, and with which greeting.
 * Immutable; {@code withX(…)} returns a copy.
 *
 * {@snippet :
 * var options = JoinOptions.DEFAULT
 *         .withPresence("ana")
 *         .resumeAfter(new Position(epoch, 41), 0)   // what came after 41, else a gap notice and only new ones
 *         .withFormat(MessageFormat.JSON);
 * }
 *
 * @param presence the name under which the member shows in {@link Topics#presence}; unique in the topic across
 *                 nodes (a second join under a name a live member holds fails). Empty: not listed
 * @param from     which messages the member gets before the new ones
 * @param format   how its messages look; members of one format share each message's frame
 * @param greeting texts sent to the member before anything else of the topic, made from what it is about to get
 */
public record JoinOptions(Optional<String> presence, From from, MessageFormat format, Optional<Greeting> greeting) {

    /** Not listed in presence, new messages only, {@link MessageFormat#JSON}, no greeting. */
    public static final JoinOptions DEFAULT = new JoinOptions(Optional.empty(), From.NOW, MessageFormat.JSON,
            Optional.empty());

    /**
     * Where a member starts.
     *
     * @param after resume: every message after this position; if the history no longer reaches back (or the epoch
     *              changed) the member gets a {@link Gap} notice and then the last {@code last} messages
     * @param last  without {@code after}: the last this many messages of the history, then the new ones
     */
    public record From(Optional<Position> after, int last) {
        /** Only the messages published from now on. */
        public static final From NOW = new From(Optional.empty(), 0);

        public From {
            Objects.requireNonNull(after, "after");
            if (last < 0) {
                throw new IllegalArgumentException("last must not be negative: " + last);
            }
        }
    }

    /**
     * What a member is told first: called once per join, on the join's catch-up thread, when the first messages it
     * is owed have been read. The texts returned are sent in order before any of the topic's messages.
     */
    @FunctionalInterface
    public interface Greeting {
        List<String> texts(Joined joined);
    }

    public JoinOptions {
        Objects.requireNonNull(presence, "presence");
        presence.ifPresent(name -> {
            if (name.isEmpty() || name.length() > 200) {
                throw new IllegalArgumentException("a presence name is 1 to 200 characters: '" + name + "'");
            }
        });
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(greeting, "greeting");
    }

    /** Listed in presence under {@code name}, unique in the topic across nodes. */
    public JoinOptions withPresence(String name) {
        return new JoinOptions(Optional.of(name), from, format, greeting);
    }

    /** Starts with the last {@code count} messages of the history. */
    public JoinOptions replayLast(int count) {
        return new JoinOptions(presence, new From(Optional.empty(), count), format, greeting);
    }

    /** Resumes after {@code position}; if that is impossible, a {@link Gap} and then the last {@code orLast}. */
    public JoinOptions resumeAfter(Position position, int orLast) {
        return new JoinOptions(presence, new From(Optional.of(position), orLast), format, greeting);
    }

    public JoinOptions withFormat(MessageFormat format) {
        return new JoinOptions(presence, from, format, greeting);
    }

    public JoinOptions withGreeting(Greeting greeting) {
        return new JoinOptions(presence, from, format, Optional.of(greeting));
    }
}
