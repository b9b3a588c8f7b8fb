package dev.ferry.ops;

import java.util.Locale;

import dev.ferry.log.Redactor;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Tells someone when a run did not succeed, through route {@code ferry-alert} (routes/alerts.yaml): its
 * summary (run id, status, per-table counts, the first error) goes to the Camel endpoint
 * {@code ferry.alert.uri} (a WARN log line by default; a webhook or mail is one property away). With
 * {@code ferry.alert.always=true} every run is sent.
 */
public final class Alerts {

    private Alerts() {
    }

    /** The summary text of a run. */
    public static String summary(@Body Run run) {
        StringBuilder out = new StringBuilder();
        out.append("Ferry run ").append(run.id()).append(' ').append(run.status()).append(" (trigger ")
                .append(run.trigger()).append(")");
        for (TableResult t : run.results()) {
            out.append(String.format(Locale.ROOT, "%n  %s %s: read %d, written %d, dead-lettered %d", t.name(), t.status(),
                    t.read(), t.written(), t.deadLettered()));
        }
        if (run.error() != null) {
            out.append(System.lineSeparator()).append("  first error: ").append(run.error());
        }
        return Redactor.redact(out.toString());
    }

    /** Route step: whether the run is alerted (it FAILED, was PARTIAL or INTERRUPTED, or {@code always}). */
    public static boolean due(Run run, boolean always) {
        return always || run.status() != Run.Status.SUCCESS;
    }

    /** Route step: the run's status, as the alert's header {@code ferryRunStatus}. */
    public static String status(@Body Run run) {
        return run.status().name();
    }

    /** A listener that sends each finished run to route {@code ferry-alert}. */
    public static dev.ferry.run.RunListener listener(CamelContext camel) {
        return run -> send(camel, run);
    }

    /** Sends a finished run to route {@code ferry-alert}; an alert that cannot be sent is said in one line. */
    public static void send(CamelContext camel, Run run) {
        try (ProducerTemplate producer = camel.createProducerTemplate()) {
            Exchange sent = producer.send("direct:ferry-alert", e -> e.getMessage().setBody(run));
            if (sent.getException() != null) {
                throw sent.getException();
            }
        } catch (Exception e) {
            // an alert that cannot be sent must not change the run's outcome; say so where it is seen
            System.err.println(Redactor.redact("ferry: the alert could not be sent to ferry.alert.uri: " + e.getMessage()));
        }
    }
}
