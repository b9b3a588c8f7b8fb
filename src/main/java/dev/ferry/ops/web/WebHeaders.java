package dev.ferry.ops.web;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * The status page's answers keep the headers {@link WebConsole} sets, Cache-Control among them (Camel's HTTP
 * default drops it); Camel's own headers stay inside. The request's headers are removed before the answer.
 */
public final class WebHeaders extends DefaultHeaderFilterStrategy {

    /** Filters out Camel's internal headers only. */
    public WebHeaders() {
        setOutFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        setInFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
    }
}
