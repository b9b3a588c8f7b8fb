package dev.ferry.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.db.ConnectionUrl;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.db.TransactionPolicy;
import dev.ferry.log.Redactor;
import dev.ferry.ops.ClusteredQuartz;
import dev.ferry.ops.FerryMetrics;
import dev.ferry.ops.HttpEndpoints;
import dev.ferry.ops.PrometheusConventions;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.ferry.state.Progress;
import dev.ferry.stage.RowIsolator;
import dev.ferry.stage.TableSync;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.quartz.QuartzComponent;

/** Ferry's beans: the two connection pools, the run's snapshot view of the source, the staging transaction. */
public class FerryConfiguration implements CamelConfiguration {

    /** Production: read-only at the driver (readOnlyMode=always), autocommit off so reads stream. */
    static HikariDataSource source(CamelContext camel) {
        HikariConfig config = pool(camel, "source");
        config.setReadOnly(true);
        config.setAutoCommit(false);
        config.addDataSourceProperty("readOnlyMode", "always");
        return new HikariDataSource(config);
    }

    /** Development: the pool every write goes through. */
    static HikariDataSource target(CamelContext camel) {
        HikariConfig config = pool(camel, "target");
        // strings bound to staging columns are typed by the server: enums, domains, inet, ... take them as input
        config.addDataSourceProperty("stringtype", "unspecified");
        // a staging batch goes to the server as multi-row INSERTs, not one statement per row
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }

    /**
     * Binds Ferry's beans, each created once: the two pools; the source as every reader of a run sees
     * it (inside the run's one exported snapshot); metrics; the table route's steps; the dead-letter
     * channel's isolator; the HTTP endpoints; one transaction for a staging batch and its checkpoint
     * (a new one for each batch and each retry).
     */
    @Override
    public void configure(CamelContext camelContext) {
        HikariDataSource source = source(camelContext);
        HikariDataSource target = target(camelContext);
        camelContext.getRegistry().bind("source", source);
        camelContext.getRegistry().bind("target", target);
        SnapshotDataSource snapshot = new SnapshotDataSource(source);
        camelContext.getRegistry().bind("snapshotSource", snapshot);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        camelContext.getRegistry().bind("metricsRegistry", registry);
        // JVM and process meters, and Camel's per-route meters (exchanges, failures, durations), beside
        // Ferry's own; label names as Prometheus wants them
        registry.config().meterFilter(new PrometheusConventions());
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
        FerryMetrics metrics = new FerryMetrics(registry);
        camelContext.getRegistry().bind("ferryMetrics", metrics);
        camelContext.getRegistry().bind("ferryAlerts", dev.ferry.ops.Alerts.listener(camelContext));
        camelContext.getRegistry().bind("tableSync", new TableSync(snapshot, target, new Progress(System.err), metrics,
                Boolean.parseBoolean(property(camelContext, "ferry.verify")),
                Boolean.parseBoolean(property(camelContext, "ferry.swap-tables"))));
        camelContext.getRegistry().bind("rowIsolator", new RowIsolator(target));
        camelContext.getRegistry().bind("copyWriter", new dev.ferry.stage.CopyWriter(target));
        camelContext.getRegistry().bind("ferryHttp", new HttpEndpoints(registry, source, target));
        if (Boolean.parseBoolean(camelContext.resolvePropertyPlaceholders("{{ferry.cluster}}"))) {
            try {
                camelContext.getComponent("quartz", QuartzComponent.class).setSchedulerFactory(ClusteredQuartz.factory(target));
            } catch (Exception e) {
                throw new IllegalStateException("cannot set up the clustered schedule in the target database: "
                        + e.getMessage(), e);
            }
        }
        camelContext.getRegistry().bind("stagingTransaction", new TransactionPolicy(target));
    }

    private static HikariConfig pool(CamelContext camel, String role) {
        String prefix = "ferry." + role + ".";
        // postgres://user:password@host/db as well as jdbc:postgresql://host/db; credentials in the URL win
        ConnectionUrl url = ConnectionUrl.of(property(camel, prefix + "url"));
        String password = url.password() != null ? url.password()
                : camel.getPropertiesComponent().resolveProperty(prefix + "password").orElse("");
        Redactor.registerSecret(password);
        HikariConfig config = new HikariConfig();
        config.setPoolName("ferry-" + role);
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user() != null ? url.user() : property(camel, prefix + "user"));
        config.setPassword(password);
        config.setMaximumPoolSize(Integer.parseInt(property(camel, prefix + "pool-size")));
        // connect lazily: an unreachable database is reported by Ferry in one line, not by the pool at start-up
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", "ferry");
        // PostgreSQL's error details quote row values (personal data); keep them out of messages and logs
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return config;
    }

    private static String property(CamelContext camel, String key) {
        return camel.getPropertiesComponent().resolveProperty(key).orElse("").trim();
    }
}
