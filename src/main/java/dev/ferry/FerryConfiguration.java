package dev.ferry;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.db.SnapshotDataSource;
import dev.ferry.db.TransactionPolicy;
import dev.ferry.log.Redactor;
import dev.ferry.ops.ClusteredQuartz;
import dev.ferry.ops.FerryMetrics;
import dev.ferry.ops.HttpEndpoints;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.ferry.sync.Progress;
import dev.ferry.sync.RowIsolator;
import dev.ferry.sync.TableSync;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.quartz.QuartzComponent;

/** Ferry's beans: the two connection pools, the run's snapshot view of the source, the staging transaction. */
public class FerryConfiguration implements CamelConfiguration {

    /** Production: read-only at the driver (readOnlyMode=always), autocommit off so reads stream. */
    @BindToRegistry("source")
    public HikariDataSource source(@PropertyInject("ferry.source.url") String url,
                                   @PropertyInject("ferry.source.user") String user,
                                   @PropertyInject(value = "ferry.source.password", defaultValue = "") String password,
                                   @PropertyInject(value = "ferry.source.pool-size", defaultValue = "4") int poolSize) {
        HikariConfig config = pool("ferry-source", url, user, password, poolSize);
        config.setReadOnly(true);
        config.setAutoCommit(false);
        config.addDataSourceProperty("readOnlyMode", "always");
        return new HikariDataSource(config);
    }

    /** Development: the pool every write goes through. */
    @BindToRegistry("target")
    public HikariDataSource target(@PropertyInject("ferry.target.url") String url,
                                   @PropertyInject("ferry.target.user") String user,
                                   @PropertyInject(value = "ferry.target.password", defaultValue = "") String password,
                                   @PropertyInject(value = "ferry.target.pool-size", defaultValue = "4") int poolSize) {
        HikariConfig config = pool("ferry-target", url, user, password, poolSize);
        // strings bound to staging columns are typed by the server: enums, domains, inet, ... take them as input
        config.addDataSourceProperty("stringtype", "unspecified");
        // a staging batch goes to the server as multi-row INSERTs, not one statement per row
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }

    /**
     * Binds the beans built on the pools: the source as every reader of a run sees it (inside the run's
     * one exported snapshot), the table route's steps, and one transaction for a staging batch and its checkpoint (a new one for
     * each batch and each retry).
     */
    @Override
    public void configure(org.apache.camel.CamelContext camelContext) {
        DataSource source = camelContext.getRegistry().lookupByNameAndType("source", DataSource.class);
        DataSource target = camelContext.getRegistry().lookupByNameAndType("target", DataSource.class);
        SnapshotDataSource snapshot = new SnapshotDataSource(source);
        camelContext.getRegistry().bind("snapshotSource", snapshot);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        camelContext.getRegistry().bind("metricsRegistry", registry);
        FerryMetrics metrics = new FerryMetrics(registry);
        camelContext.getRegistry().bind("ferryMetrics", metrics);
        camelContext.getRegistry().bind("tableSync", new TableSync(snapshot, target, new Progress(System.err), metrics));
        camelContext.getRegistry().bind("rowIsolator", new RowIsolator(target));
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

    private static HikariConfig pool(String name, String url, String user, String password, int poolSize) {
        Redactor.registerSecret(password);
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        // connect lazily: an unreachable database is reported by Ferry in one line, not by the pool at start-up
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", "ferry");
        // PostgreSQL's error details quote row values (personal data); keep them out of messages and logs
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return config;
    }
}
