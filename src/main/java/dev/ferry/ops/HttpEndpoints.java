package dev.ferry.ops;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the service's /metrics and /health routes answer. */
public final class HttpEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

    /** How long /health may take at most, whatever the databases do. */
    static final Duration BUDGET = Duration.ofMillis(1500);

    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ferry-health-probe");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Boolean> states = new ConcurrentHashMap<>();
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
    public String metrics(@Headers Map<String, Object> headers) {
        headers.put(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        return registry.scrape();
    }

    /**
     * UP (200) only when both pools answer, else DOWN (503) naming the pool that does not; within
     * {@link #BUDGET} whatever the databases do (a pool waiting for a server that is down counts as DOWN).
     */
    public String health(@Headers Map<String, Object> headers) {
        CompletableFuture<Boolean> sourceProbe = probe("source", source);
        CompletableFuture<Boolean> targetProbe = probe("target", target);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        boolean sourceUp = within(sourceProbe, deadline);
        boolean targetUp = within(targetProbe, deadline);
        said("source", sourceUp);
        said("target", targetUp);
        boolean up = sourceUp && targetUp;
        headers.put(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        headers.put(Exchange.CONTENT_TYPE, "application/json");
        return "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"source\":\"" + (sourceUp ? "UP" : "DOWN")
                + "\",\"target\":\"" + (targetUp ? "UP" : "DOWN") + "\"}";
    }

    /**
     * One line per change of a database's state as /health sees it (a restart gives one DOWN and one UP
     * line per database, not a warning per dropped connection; the pool's own are kept at ERROR).
     */
    private void said(String database, boolean up) {
        Boolean before = states.put(database, up);
        if (before == null ? !up : before != up) {
            if (up) {
                LOG.warn("{} database is UP again: /health answers 200 when both are", database);
            } else {
                LOG.warn("{} database is DOWN (no working connection within {} ms): /health answers 503 until it is back",
                        database, BUDGET.toMillis());
            }
        }
    }

    /** The probe of this pool in flight, or a new one: a health check never piles up threads behind a down server. */
    private CompletableFuture<Boolean> probe(String name, DataSource pool) {
        CompletableFuture<Boolean> probe = inFlight.computeIfAbsent(name,
                k -> CompletableFuture.supplyAsync(() -> answers(pool), probes));
        if (probe.isDone()) {
            inFlight.remove(name, probe);
        } else {
            probe.whenComplete((up, failure) -> inFlight.remove(name, probe));
        }
        return probe;
    }

    private static boolean within(CompletableFuture<Boolean> probe, long deadline) {
        try {
            return probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean answers(DataSource pool) {
        try (Connection c = pool.getConnection()) {
            boolean valid = c.isValid(1);
            if (valid && !c.getAutoCommit()) {
                c.rollback();
            }
            return valid;
        } catch (Exception e) {
            return false;
        }
    }
}
