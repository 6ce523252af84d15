package io.pado.runtime;

import io.pado.protocol.Connection;

/** A send, run on the loop thread against the engine. */
@FunctionalInterface
interface Command {
    void apply(Connection engine);
}
