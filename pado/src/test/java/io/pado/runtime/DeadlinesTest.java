package io.pado.runtime;

import static io.pado.protocol.Connection.State.CLOSED;
import static io.pado.protocol.Connection.State.CONNECTING;
import static io.pado.protocol.Connection.State.LOCAL_CLOSING;
import static io.pado.protocol.Connection.State.OPEN;
import static io.pado.runtime.Deadlines.NEVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.pado.protocol.EngineOptions;
import java.io.IOException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every timeout of a connection, with made-up times: no socket, no clock, no waiting. */
class DeadlinesTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 7 * S; // any start; times below are T0 + n seconds

    /** Handshake 10 s, keep-alive 15 s, idle 60 s (0: none), close 5 s, ping 30 s (0: none), pong 10 s, write 20 s. */
    static LinkOptions config(long idleSeconds, long pingSeconds) {
        return new LinkOptions(EngineOptions.DEFAULT, 10 * S, 15 * S, idleSeconds * S, 5 * S, 64, 1024, 4096,
                pingSeconds * S, 10 * S, 20 * S, code -> new IOException("closed " + code));
    }

    @Nested
    class Opening {
        @Test
        void theHandshakeHasItsTimeoutFromTheStart() {
            var d = new Deadlines(config(0, 0), T0);
            assertThat(d.next(CONNECTING, false, NEVER)).isEqualTo(T0 + 10 * S);
            assertThat(d.due(T0 + 10 * S - 1, CONNECTING, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
            assertThat(d.due(T0 + 10 * S, CONNECTING, false, NEVER)).isEqualTo(Deadlines.Due.HANDSHAKE_OVER);
        }

        @Test
        void noTimeoutWhileTheApplicationAnswersThenTheKeepAliveTime() {
            var d = new Deadlines(config(0, 0), T0);
            d.awaitingAnswer();
            assertThat(d.next(CONNECTING, false, NEVER)).isEqualTo(NEVER);
            assertThat(d.due(T0 + 3600 * S, CONNECTING, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
            d.answered(T0 + 3600 * S);
            assertThat(d.next(CONNECTING, false, NEVER)).isEqualTo(T0 + 3615 * S);
            assertThat(d.due(T0 + 3615 * S, CONNECTING, false, NEVER)).isEqualTo(Deadlines.Due.HANDSHAKE_OVER);
        }

        @Test
        void openingEndsTheHandshakeTimeout() {
            var d = new Deadlines(config(0, 0), T0);
            d.opened(T0 + S);
            assertThat(d.due(T0 + 100 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
            assertThat(d.next(OPEN, false, NEVER)).isEqualTo(NEVER);
        }
    }

    @Nested
    class KeepAlive { // RFC 6455 §5.5.2
        @Test
        void aSilentPeerIsPingedThenTakenForDead() {
            var d = new Deadlines(config(0, 30), T0);
            d.opened(T0);
            assertThat(d.next(OPEN, false, NEVER)).isEqualTo(T0 + 30 * S);
            assertThat(d.due(T0 + 30 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.SEND_PING);
            d.pingSent(T0 + 30 * S);
            assertThat(d.due(T0 + 39 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
            assertThat(d.next(OPEN, false, NEVER)).isEqualTo(T0 + 40 * S);
            assertThat(d.due(T0 + 40 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.PONG_OVER);
        }

        @Test
        void whileWeDoNotReadThePeerIsNotTakenForDeadButTheWriteTimeoutStillRuns() {
            var d = new Deadlines(config(60, 30), T0);
            d.opened(T0);
            d.pingSent(T0 + 30 * S);
            // Reading paused at 31 s (the peer's answers wait behind our full queue), checked each second after
            for (long t = 31; t <= 100; t++) {
                d.notReading(T0 + t * S);
                assertThat(d.due(T0 + t * S, OPEN, false, T0 + 95 * S)).as("at %d s", t)
                        .isEqualTo(Deadlines.Due.NOTHING);
            }
            assertThat(d.due(T0 + 115 * S, OPEN, false, T0 + 95 * S)).isEqualTo(Deadlines.Due.WRITE_OVER);
        }

        @Test
        void anythingReadAnswersThePingAndPutsTheNextOneOff() {
            var d = new Deadlines(config(0, 30), T0);
            d.opened(T0);
            d.pingSent(T0 + 30 * S);
            d.read(T0 + 35 * S);
            assertThat(d.due(T0 + 45 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
            assertThat(d.next(OPEN, false, NEVER)).isEqualTo(T0 + 65 * S);
        }

        @Test
        void idleConnectionsCloseAtTheIdleTimeoutOnlyWhenOpen() {
            var d = new Deadlines(config(60, 0), T0);
            d.opened(T0);
            d.read(T0 + 10 * S);
            assertThat(d.next(OPEN, false, NEVER)).isEqualTo(T0 + 70 * S);
            assertThat(d.due(T0 + 70 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.IDLE_OVER);
            assertThat(d.due(T0 + 70 * S, LOCAL_CLOSING, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
        }
    }

    @Nested
    class Closing { // RFC 6455 §7.1.1
        @Test
        void ourCloseWaitsTheCloseTimeoutForTheAnswer() {
            var d = new Deadlines(config(0, 0), T0);
            d.opened(T0);
            d.closing(T0 + S);
            d.closing(T0 + 3 * S); // a second call does not move it
            assertThat(d.next(LOCAL_CLOSING, false, NEVER)).isEqualTo(T0 + 6 * S);
            assertThat(d.due(T0 + 6 * S, LOCAL_CLOSING, false, NEVER)).isEqualTo(Deadlines.Due.CLOSE_OVER);
        }

        @Test
        void aClientWaitsTheSameTimeForTheServerToCloseTcp() {
            var d = new Deadlines(config(0, 0), T0);
            d.closing(T0);
            assertThat(d.due(T0 + 5 * S, CLOSED, false, NEVER)).isEqualTo(Deadlines.Due.CLOSE_OVER);
            assertThat(d.due(T0 + 5 * S, CLOSED, true, NEVER)).as("TCP closes anyway")
                    .isEqualTo(Deadlines.Due.NOTHING);
        }

        @Test
        void outputAskedToCloseHasTheCloseTimeoutToBeWritten() {
            var d = new Deadlines(config(0, 0), T0);
            d.opened(T0);
            d.linger(T0 + S);
            assertThat(d.next(CLOSED, true, NEVER)).isEqualTo(T0 + 6 * S);
            assertThat(d.due(T0 + 6 * S, CLOSED, true, NEVER)).isEqualTo(Deadlines.Due.LINGER_OVER);
            assertThat(d.due(T0 + 6 * S, CONNECTING, true, NEVER)).as("before the opening's own")
                    .isEqualTo(Deadlines.Due.LINGER_OVER);
        }
    }

    @Test
    void outputThatWaitsTheWriteTimeoutMeansTheConsumerDoesNotRead() {
        var d = new Deadlines(config(0, 0), T0);
        d.opened(T0);
        assertThat(d.next(OPEN, false, T0 + S)).isEqualTo(T0 + 21 * S);
        assertThat(d.due(T0 + 21 * S, OPEN, false, T0 + S)).isEqualTo(Deadlines.Due.WRITE_OVER);
        assertThat(d.due(T0 + 21 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
    }

    @Test
    void timesNearTheEndOfTheLongRangeCompareWithoutOverflow() {
        long start = Long.MAX_VALUE - 5 * S;
        var d = new Deadlines(config(0, 30), start);
        d.opened(start);
        assertThat(d.due(start + 29 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.NOTHING);
        assertThat(d.due(start + 30 * S, OPEN, false, NEVER)).isEqualTo(Deadlines.Due.SEND_PING);
    }
}
