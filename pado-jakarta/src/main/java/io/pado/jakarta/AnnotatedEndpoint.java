package io.pado.jakarta;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * An instance of an annotated endpoint class, seen as a programmatic {@link Endpoint}: {@code onOpen} registers its
 * {@code @OnMessage} methods with the session and calls its {@code @OnOpen} method; the other callbacks call theirs.
 * One per connection, called by one thread at a time.
 */
final class AnnotatedEndpoint extends Endpoint {
    private static final System.Logger LOG = System.getLogger(AnnotatedEndpoint.class.getName());

    private final AnnotatedModel model;
    private final Object instance;

    AnnotatedEndpoint(AnnotatedModel model, Object instance) {
        this.model = model;
        this.instance = instance;
    }

    /** The endpoint object whose methods are called. */
    Object instance() {
        return instance;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        var padoSession = (PadoSession) session;
        for (AnnotatedModel.MessageCallback m : model.messages) {
            padoSession.inbound(new Inbound(m.kind(), m.type(), m.maxMessageBytes(), null,
                    message -> onMessage(padoSession, m, message)));
        }
        if (model.onOpen != null) {
            call(model.onOpen, padoSession, null, null, null);
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (model.onClose != null) {
            call(model.onClose, (PadoSession) session, null, closeReason, null);
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        if (model.onError == null) {
            // Jakarta WebSocket §5.2.2: an endpoint without error handling has its errors logged
            LOG.log(System.Logger.Level.ERROR, "session " + session.getId() + " of " + model.type.getName()
                    + " (no @OnError): " + error, error);
            return;
        }
        call(model.onError, (PadoSession) session, null, null, error);
    }

    private void onMessage(PadoSession session, AnnotatedModel.MessageCallback m, Object message) throws Throwable {
        Object reply = invoke(m.callback(), args(m.callback().params(), session, message, null, null));
        if (m.returns() && reply != null) {
            session.getBasicRemote().sendObject(reply);
        }
    }

    /** Calls a lifecycle method; what it throws is an error of the session, as §4.5 asks for @OnClose. */
    private void call(AnnotatedModel.Callback callback, PadoSession session, Object message, CloseReason reason,
            Throwable error) {
        try {
            invoke(callback, args(callback.params(), session, message, reason, error));
        } catch (Throwable t) {
            if (callback == model.onError) {
                throw new IllegalStateException("@OnError method threw", t);
            }
            session.error(t);
        }
    }

    private Object invoke(AnnotatedModel.Callback callback, Object[] args) throws Throwable {
        try {
            return callback.method().invoke(instance, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Object[] args(List<AnnotatedModel.Param> params, PadoSession session, Object message,
            CloseReason reason, Throwable error) throws DecodeException {
        var args = new Object[params.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = switch (params.get(i)) {
                case AnnotatedModel.Param.SessionArg s -> session;
                case AnnotatedModel.Param.ConfigArg c -> session.config();
                case AnnotatedModel.Param.CloseReasonArg c -> reason;
                case AnnotatedModel.Param.ErrorArg e -> error;
                case AnnotatedModel.Param.MessageArg m -> message;
                case AnnotatedModel.Param.LastArg l -> Boolean.TRUE; // pado delivers whole messages
                case AnnotatedModel.Param.PathArg p -> pathValue(session, p);
            };
        }
        return args;
    }

    /** Jakarta WebSocket §4.3: the segment's value, converted as by the boxed type's String constructor. */
    private static Object pathValue(PadoSession session, AnnotatedModel.Param.PathArg p) throws DecodeException {
        String value = session.getPathParameters().get(p.name());
        if (value == null || p.type() == String.class) {
            return value;
        }
        try {
            return Conversions.parse(value, p.type());
        } catch (IllegalArgumentException e) {
            throw new DecodeException(value, "path parameter " + p.name() + " is not a " + p.type().getName(), e);
        }
    }
}
