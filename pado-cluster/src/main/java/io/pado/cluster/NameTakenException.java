package io.pado.cluster;

import java.io.IOException;

/** A join asked for a presence name that a live member of the topic holds, on this node or another. */
public final class NameTakenException extends IOException {
    private static final long serialVersionUID = 1L;

    public NameTakenException(String message) {
        super(message);
    }
}
