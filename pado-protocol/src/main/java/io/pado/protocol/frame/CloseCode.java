package io.pado.protocol.frame;

/**
 * The close status codes of RFC 6455 §7.4.1 that an endpoint may send, and the rules for codes received.
 *
 * <p>Codes 1005, 1006 and 1015 are only ever reported locally, never sent: they are plain {@code int}
 * constants here so that they cannot be passed where a code to send is expected.
 */
public enum CloseCode {
    NORMAL(1000),
    GOING_AWAY(1001),
    PROTOCOL_ERROR(1002),
    UNSUPPORTED_DATA(1003),
    INVALID_PAYLOAD(1007),
    POLICY_VIOLATION(1008),
    MESSAGE_TOO_BIG(1009),
    MANDATORY_EXTENSION(1010),
    INTERNAL_ERROR(1011),
    SERVICE_RESTART(1012),
    TRY_AGAIN_LATER(1013);

    /** Reported when a Close frame carried no status code (RFC 6455 §7.1.5). Never sent. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Reported when the connection ended without a Close frame (RFC 6455 §7.1.5). Never sent. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** Reported when the TLS handshake failed. Never sent. */
    public static final int TLS_HANDSHAKE = 1015;

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    /** The numeric status code as it goes on the wire. */
    public int code() {
        return code;
    }

    /**
     * Whether {@code code} may appear in a Close frame on the wire: 1000–1003, 1007–1014 and the
     * registered/private range 3000–4999 (RFC 6455 §7.4). Everything else is a protocol error when received.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }

    /**
     * Checks a code about to be sent: a caller's bug if it may not appear on the wire ({@link #isValidOnWire}).
     *
     * @throws IllegalArgumentException naming the code, such as 1005 or 1006 (RFC 6455 §7.4.1: never sent)
     */
    public static void requireValidOnWire(int code) {
        if (!isValidOnWire(code)) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
    }
}
