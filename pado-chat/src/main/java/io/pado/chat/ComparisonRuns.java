package io.pado.chat;

import io.pado.HttpResponse;
import io.pado.protocol.RequestHead;
import java.net.URI;

/** The comparison page's back end: runs comparisons against this server (coming with the comparison). */
final class ComparisonRuns {
    private volatile URI target;

    void target(URI target) {
        this.target = target;
    }

    HttpResponse handle(RequestHead request) {
        return target == null ? HttpResponse.text(503, "starting\n") : HttpResponse.notFound();
    }
}
