package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RequiredToolTest {
    static final boolean STRICT = !System.getenv().getOrDefault(RequiredTool.REQUIRE, "").isEmpty();

    @Test
    void anInstalledProgramIsFoundOnThePath() {
        assertThat(RequiredTool.check("sh", "dash")).isExecutable();
    }

    @Test
    void aMissingProgramSkipsTheTestOrFailsItUnderPadoRequireTools() {
        assertThatThrownBy(() -> RequiredTool.check("pado-no-such-program", "pado-no-such-package"))
                .isInstanceOf(STRICT ? AssertionError.class : TestAbortedException.class)
                .hasMessageStartingWith("pado-no-such-program is not installed (Debian package pado-no-such-package");
    }

    @Test
    void anUnmetConditionSaysWhatIsMissing() {
        assertThatThrownBy(() -> RequiredTool.checkThat(false, "a file descriptor limit above 2300"))
                .isInstanceOf(STRICT ? AssertionError.class : TestAbortedException.class)
                .hasMessageContaining("a file descriptor limit above 2300");
    }
}
