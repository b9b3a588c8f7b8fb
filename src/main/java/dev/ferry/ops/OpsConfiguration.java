package dev.ferry.ops;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.quartz.QuartzComponent;

/**
 * The service's beans, bound after the pipeline's (camel.main.configuration-classes lists this class second):
 * the meter registry with Ferry's own meters ({@code ferryMetrics}, which the pipeline counts into and which
 * hears every finished run) and, in the service, JVM, process and per-route meters; the alert sent after a run,
 * the HTTP endpoints, and the clustered schedule's store in the target.
 */
public class OpsConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext camelContext) {
        DataSource source = camelContext.getRegistry().lookupByNameAndType("source", DataSource.class);
        DataSource target = camelContext.getRegistry().lookupByNameAndType("target", DataSource.class);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        camelContext.getRegistry().bind("metricsRegistry", registry);
        registry.config().meterFilter(new PrometheusConventions()); // label names as Prometheus wants them
        // JVM and process meters, and Camel's per-route meters (exchanges, failures, durations), beside Ferry's
        // own, for the service's /metrics; a one-shot command, which serves no /metrics, skips them (binding them
        // and a policy per route cost a sync about 0.1 s before its first row)
        if (Boolean.parseBoolean(camelContext.resolvePropertyPlaceholders("{{" + dev.ferry.app.FerryApp.SERVICE + ":false}}"))) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
            MicrometerRoutePolicyFactory routeMeters = new MicrometerRoutePolicyFactory();
            routeMeters.setMeterRegistry(registry);
            routeMeters.setSkipCamelInfo(true);
            camelContext.addRoutePolicyFactory(routeMeters);
        }
        camelContext.getRegistry().bind("ferryMetrics", new FerryMetrics(registry));
        camelContext.getRegistry().bind("ferryAlerts", Alerts.listener(camelContext));
        camelContext.getRegistry().bind("ferryHttp", new HttpEndpoints(registry, source, target));
        if (Boolean.parseBoolean(camelContext.resolvePropertyPlaceholders("{{ferry.cluster}}"))) {
            try {
                camelContext.getComponent("quartz", QuartzComponent.class).setSchedulerFactory(ClusteredQuartz.factory(target));
            } catch (Exception e) {
                throw new IllegalStateException("cannot set up the clustered schedule in the target database: "
                        + e.getMessage(), e);
            }
        }
    }
}
