package io.pado.protocol;

/** Which end of a WebSocket connection the engine plays. The role decides masking and who closes TCP first. */
public enum Role {
    /** Masks every frame it sends; expects unmasked frames; waits for the server to close TCP. */
    CLIENT,
    /** Never masks; requires masked frames; closes TCP first after the closing handshake (RFC 6455 §7.1.1). */
    SERVER
}
