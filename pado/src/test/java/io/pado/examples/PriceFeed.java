package io.pado.examples;

import io.pado.ClosedException;
import io.pado.MessageDroppedException;
import io.pado.WebSocket;

/**
 * docs/GUIDE.md, "When a send fails": an application thread pushes prices to subscribers and handles what becomes of
 * each send, instead of ignoring its future.
 */
public final class PriceFeed {
    private static final System.Logger LOG = System.getLogger(PriceFeed.class.getName());

    private PriceFeed() {
    }

    // tag::publish[]
    public static void publish(WebSocket subscriber, String price) {
        subscriber.sendText(price).whenComplete((written, failure) -> {
            switch (failure) {
                case null -> { }                                // written to the socket
                case ClosedException closed -> { }              // the subscriber left: its onClose forgets it
                case MessageDroppedException dropped -> { }     // SlowConsumerPolicy.DROP: a newer price follows
                default -> {                                    // FAIL_SEND: its queue is full, it cannot keep up
                    LOG.log(System.Logger.Level.INFO, "closing {0}: {1}", subscriber, failure.getMessage());
                    subscriber.close(1013, "too slow, try again later");
                }
            }
        });
    }
    // end::publish[]
}
