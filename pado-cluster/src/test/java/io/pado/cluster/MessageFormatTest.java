package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageFormatTest {
    @Test
    void jsonEscapesQuotesBackslashesAndControlCharacters() {
        var m = new TopicMessage("t\"1", new Position("e1", 7), "n-1", "a\"b\\c\nd\u0001é");
        assertThat(MessageFormat.JSON.message(m)).isEqualTo(
                "{\"topic\":\"t\\\"1\",\"epoch\":\"e1\",\"offset\":7,\"id\":\"n-1\","
                        + "\"data\":\"a\\\"b\\\\c\\nd\\u0001é\"}");
    }

    @Test
    void jsonGapSaysWhereDeliveryGoesOn() {
        var gap = new Gap("t", Optional.of(new Position("e1", 3)), new Position("e1", 40), Gap.Reason.TRIMMED);
        assertThat(MessageFormat.JSON.gap(gap)).isEqualTo(
                "{\"topic\":\"t\",\"gap\":\"TRIMMED\",\"epoch\":\"e1\",\"offset\":40}");
    }
}
