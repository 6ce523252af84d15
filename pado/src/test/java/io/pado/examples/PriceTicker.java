package io.pado.examples;

import io.pado.Endpoint;
import io.pado.Handler;
import io.pado.SlowConsumerPolicy;

/** docs/GUIDE.md, "Back-pressure": an endpoint where the latest price wins, so a slow client misses some. */
public final class PriceTicker {
    private PriceTicker() {
    }

    /** The {@code /prices} endpoint: a send to a client that is behind fails with MessageDroppedException. */
    public static Endpoint endpoint(Handler pricesHandler) {
        // tag::drop-policy[]
        var ticker = Endpoint.builder("/prices", pricesHandler).slowConsumerPolicy(SlowConsumerPolicy.DROP).build();
        // end::drop-policy[]
        return ticker;
    }
}
