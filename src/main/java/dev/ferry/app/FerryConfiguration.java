package dev.ferry.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.db.ConnectionUrl;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.db.TransactionPolicy;
import dev.ferry.log.Redactor;
import dev.ferry.state.Progress;
import dev.ferry.stage.RowIsolator;
import dev.ferry.stage.TableSync;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

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
     * Binds the pipeline's beans, each created once: the two pools; the source as every reader of a run sees
     * it (inside the run's one exported snapshot); the table route's steps; the dead-letter channel's
     * isolator; one transaction for a staging batch and its checkpoint (a new one for each batch and each
     * retry). The service's beans (meters, alerts, HTTP, the clustered schedule) are ops' own
     * configuration's, which Camel Main applies after this one (camel.main.configuration-classes).
     */
    @Override
    public void configure(CamelContext camelContext) {
        HikariDataSource source = source(camelContext);
        HikariDataSource target = target(camelContext);
        camelContext.getRegistry().bind("source", source);
        camelContext.getRegistry().bind("target", target);
        boolean asynchronousCommit = Boolean.parseBoolean(property(camelContext, "ferry.staging.asynchronous-commit"));
        // the snapshot's holder aside, every source connection may stay in the snapshot between two reads
        SnapshotDataSource snapshot = new SnapshotDataSource(source, source.getMaximumPoolSize() - 1);
        camelContext.getRegistry().bind("snapshotSource", snapshot);
        camelContext.getRegistry().bind("tableSync", new TableSync(snapshot, target, new Progress(System.err), new CountedBy(camelContext),
                Boolean.parseBoolean(property(camelContext, "ferry.verify")),
                Boolean.parseBoolean(property(camelContext, "ferry.swap-tables")))
                .splitTablesLargerThan(dev.ferry.read.KeyRanges.bytes(property(camelContext, "ferry.splitTablesLargerThan")),
                        Integer.parseInt(property(camelContext, "ferry.splitParts").trim()))
                .asynchronousCommit(asynchronousCommit)
                .indexesBeforeApply(Integer.parseInt(property(camelContext, "ferry.parallelTables").trim()),
                        dev.ferry.read.KeyRanges.bytes(property(camelContext, "ferry.indexesBeforeApplyLargerThan"))));
        camelContext.getRegistry().bind("rowIsolator", new RowIsolator(target));
        camelContext.getRegistry().bind("copyWriter", new dev.ferry.stage.CopyWriter(target));
        camelContext.getRegistry().bind("stagingTransaction", new TransactionPolicy(target, asynchronousCommit));
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
