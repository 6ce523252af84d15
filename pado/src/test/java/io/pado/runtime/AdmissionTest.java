package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import java.net.InetAddress;

import java.time.Duration;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The per-address count and the handshake token bucket, on a fake clock. */
class AdmissionTest {
    private static final long SECOND = 1_000_000_000L;

    @Nested
    class HandshakeRate {
        private final AtomicLong now = new AtomicLong(42 * SECOND);

        @Test
        void allowsABurstOfPermitsThenOneEveryPeriodOverPermits() {
            var admission = new Admission(0, 4, Duration.ofSeconds(2).toNanos(), now::get);
            for (int i = 0; i < 4; i++) {
                assertThat(admission.takeHandshake()).as("handshake %d", i).isZero();
            }
            assertThat(admission.takeHandshake()).isEqualTo(SECOND / 2);
            now.addAndGet(SECOND / 2 - 1);
            assertThat(admission.takeHandshake()).isEqualTo(1);
            now.addAndGet(1);
            assertThat(admission.takeHandshake()).isZero();
            assertThat(admission.takeHandshake()).isEqualTo(SECOND / 2);
        }

        @Test
        void refillsToTheBurstAndNoFurther() {
            var admission = new Admission(0, 3, SECOND, now::get);
            now.addAndGet(3600 * SECOND);
            for (int i = 0; i < 3; i++) {
                assertThat(admission.takeHandshake()).isZero();
            }
            assertThat(admission.takeHandshake()).isPositive();
        }

        @Test
        void noLimitNeverRefuses() {
            var admission = new Admission(0, 0, 0, now::get);
            for (int i = 0; i < 100_000; i++) {
                assertThat(admission.takeHandshake()).isZero();
            }
        }
    }

    @Nested
    class ConnectionsPerAddress {
        private final InetAddress a = InetAddress.getLoopbackAddress();
        private final InetAddress b;

        ConnectionsPerAddress() throws IOException {
            b = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
        }

        @Test
        void countsEachAddressAndForgetsItWhenItsLastSocketCloses() {
            var admission = new Admission(2, 0, 0, System::nanoTime);
            assertThat(admission.admitConnection(a)).isTrue();
            assertThat(admission.admitConnection(a)).isTrue();
            assertThat(admission.admitConnection(a)).isFalse();
            assertThat(admission.admitConnection(b)).isTrue();
            admission.releaseConnection(a);
            assertThat(admission.admitConnection(a)).isTrue();
            admission.releaseConnection(a);
            admission.releaseConnection(a);
            admission.releaseConnection(b);
            assertThat(admission.trackedAddresses()).isZero();
        }

        @Test
        void noLimitTracksNothing() {
            var admission = new Admission(0, 0, 0, System::nanoTime);
            for (int i = 0; i < 1000; i++) {
                assertThat(admission.admitConnection(a)).isTrue();
            }
            assertThat(admission.trackedAddresses()).isZero();
        }
    }
}
