package dev.ferry.ops;

import java.sql.Connection;

import javax.sql.DataSource;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;

/** What the service's /metrics and /health routes answer. */
public final class HttpEndpoints {

    private final PrometheusMeterRegistry registry;
    private final DataSource source;
    private final DataSource target;

    /** Answers from this registry and these pools. */
    public HttpEndpoints(PrometheusMeterRegistry registry, DataSource source, DataSource target) {
        this.registry = registry;
        this.source = source;
        this.target = target;
    }

    /** Prometheus text exposition. */
    public void metrics(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        exchange.getMessage().setBody(registry.scrape());
    }

    /** UP (200) only when both pools answer, else DOWN (503) naming the pool that does not. */
    public void health(Exchange exchange) {
        boolean sourceUp = answers(source);
        boolean targetUp = answers(target);
        boolean up = sourceUp && targetUp;
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody("{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"source\":\"" + (sourceUp ? "UP" : "DOWN")
                + "\",\"target\":\"" + (targetUp ? "UP" : "DOWN") + "\"}");
    }

    private static boolean answers(DataSource pool) {
        try (Connection c = pool.getConnection()) {
            boolean valid = c.isValid(3);
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return valid;
        } catch (Exception e) {
            return false;
        }
    }
}
