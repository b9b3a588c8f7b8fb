package dev.ferry.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import javax.sql.DataSource;

import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz for several {@code ferry serve} instances ({@code ferry.cluster=true}): a clustered JDBC job
 * store in the target's {@code ferry_quartz} schema (created when missing), so each scheduled run
 * fires on one instance only and moves to another if that one dies.
 */
public final class ClusteredQuartz {

    static final String SCHEMA = "ferry_quartz";
    private static final String DATA_SOURCE = "ferryTarget";

    private ClusteredQuartz() {
    }

    /** A scheduler factory whose job store lives in the target database. */
    public static StdSchedulerFactory factory(DataSource target) throws SQLException, SchedulerException {
        createTables(target);
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return target.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to Ferry
            }

            @Override
            public void initialize() {
                // the pool is already running
            }
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "ferry");
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.threadPool.threadCount", "4");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", SCHEMA + ".qrtz_");
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "10000");
        return new StdSchedulerFactory(p);
    }

    /** Creates the schema and Quartz's tables (its own PostgreSQL script) unless they exist. */
    static void createTables(DataSource target) throws SQLException {
        String script;
        try (InputStream in = StdSchedulerFactory.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new SQLException("Quartz's PostgreSQL table script is missing from its jar", e);
        }
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                // two instances starting together: one creates, the other waits and finds the tables
                s.execute("SELECT pg_advisory_xact_lock(hashtext('ferry.quartz.schema'))");
                s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
                boolean exists;
                try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + SCHEMA + ".qrtz_locks') IS NOT NULL")) {
                    rs.next();
                    exists = rs.getBoolean(1);
                }
                if (!exists) {
                    s.execute("SET LOCAL search_path TO " + SCHEMA);
                    for (String statement : script.split(";")) {
                        String sql = statement.lines().filter(l -> !l.trim().startsWith("--"))
                                .reduce("", (a, b) -> a + "\n" + b).trim();
                        if (!sql.isEmpty() && !sql.toUpperCase().startsWith("DROP ") && !sql.equalsIgnoreCase("COMMIT")) {
                            s.execute(sql);
                        }
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }
}
