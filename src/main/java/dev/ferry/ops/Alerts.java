package dev.ferry.ops;

import java.util.Locale;

import dev.ferry.log.Redactor;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import org.apache.camel.ProducerTemplate;

/**
 * Tells someone when a run did not succeed: its summary (run id, status, per-table counts, the first
 * error) goes to the Camel endpoint {@code ferry.alert.uri} (a WARN log line by default; a webhook or
 * mail is one property away). With {@code ferry.alert.always=true} every run is sent.
 */
public final class Alerts {

    private Alerts() {
    }

    /** The summary text of a run. */
    public static String summary(Run run) {
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

    /** A listener that sends each finished run's alert through this Camel. */
    public static dev.ferry.run.RunListener listener(org.apache.camel.CamelContext camel) {
        return run -> send(camel, run);
    }

    /** Sends the summary when the run FAILED, was PARTIAL or INTERRUPTED, or always when so configured. */
    public static void send(org.apache.camel.CamelContext camel, Run run) {
        boolean always = Boolean.parseBoolean(camel.resolvePropertyPlaceholders("{{ferry.alert.always}}").trim());
        if (!always && run.status() == Run.Status.SUCCESS) {
            return;
        }
        try (ProducerTemplate producer = camel.createProducerTemplate()) {
            producer.sendBodyAndHeader(camel.resolvePropertyPlaceholders("{{ferry.alert.uri}}").trim(), summary(run), "ferryRunStatus", run.status().name());
        } catch (Exception e) {
            // an alert that cannot be sent must not change the run's outcome; say so where it is seen
            System.err.println(Redactor.redact("ferry: the alert could not be sent to ferry.alert.uri: " + e.getMessage()));
        }
    }
}
