package io.pado.protocol;

/** Whether a plain HTTP connection stays open for the next request after an answer (RFC 9112 §9.3). */
public enum Persistence {
    /** The connection waits for the next request. */
    KEEP_ALIVE,
    /** The connection closes once the answer is written ({@code Connection: close}). */
    CLOSE
}
