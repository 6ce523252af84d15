package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class FramePoolTest {
    @Test
    void aGivenBackBufferIsLentAgainWithTheAskedLimit() {
        var pool = new FramePool();
        ByteBuffer first = pool.take(100);
        assertThat(first.isDirect()).isTrue();
        assertThat(first.position()).isZero();
        assertThat(first.limit()).isEqualTo(100);
        first.put(new byte[60]);
        pool.giveBack(first);
        ByteBuffer second = pool.take(200);
        assertThat(second).isSameAs(first);
        assertThat(second.position()).isZero();
        assertThat(second.limit()).isEqualTo(200);
        assertThat(pool.lentCount()).isEqualTo(1);
    }

    @Test
    void sizesAreKeptApartAndLargeFramesAreNotPooled() {
        var pool = new FramePool();
        ByteBuffer small = pool.take(10);
        ByteBuffer medium = pool.take(1000);
        ByteBuffer large = pool.take(FramePool.LARGEST + 1);
        assertThat(small.capacity()).isLessThan(medium.capacity());
        assertThat(large.isDirect()).isFalse();
        assertThat(large.limit()).isEqualTo(FramePool.LARGEST + 1);
        pool.giveBack(small);
        pool.giveBack(medium);
        pool.giveBack(large);
        assertThat(pool.lentCount()).isZero();
        assertThat(pool.take(1000)).isSameAs(medium);
        assertThat(pool.take(10)).isSameAs(small);
    }

    @Test
    void buffersThePoolDidNotLendAreNeverTakenIn() {
        var pool = new FramePool();
        ByteBuffer lent = pool.take(100);
        ByteBuffer foreign = ByteBuffer.allocateDirect(lent.capacity());
        pool.giveBack(foreign);
        pool.giveBack(lent.duplicate()); // the same memory, another object: not what was lent
        assertThat(pool.lentCount()).isEqualTo(1);
        assertThat(pool.take(100)).isNotSameAs(foreign).isNotSameAs(lent);
        pool.giveBack(lent);
        pool.giveBack(lent); // twice: taken in once
        assertThat(pool.take(100)).isSameAs(lent);
        assertThat(pool.take(100)).isNotSameAs(lent);
    }

    @Test
    void keepsAtMostMaxIdleBuffersOfASize() {
        var pool = new FramePool();
        var taken = new ArrayList<ByteBuffer>();
        for (int i = 0; i < FramePool.MAX_IDLE + 10; i++) {
            taken.add(pool.take(64));
        }
        taken.forEach(pool::giveBack);
        var again = new ArrayList<ByteBuffer>();
        for (int i = 0; i < FramePool.MAX_IDLE + 10; i++) {
            again.add(pool.take(64));
        }
        long reused = again.stream().filter(b -> taken.stream().anyMatch(t -> t == b)).count();
        assertThat(reused).isEqualTo(FramePool.MAX_IDLE);
    }
}
