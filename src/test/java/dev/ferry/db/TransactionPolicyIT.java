package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * The staging transaction policy on a real pool: an asynchronous one commits with synchronous_commit off for
 * that transaction only (the pooled connection is back to the server's setting after it), a plain one
 * leaves the setting alone, and a failure still rolls the whole transaction back.
 */
class TransactionPolicyIT {

    private final TestPostgres pg = TestPostgres.get();
    private String db;
    private HikariDataSource pool;
    private CamelContext camel;

    @BeforeEach
    void database() throws SQLException {
        db = pg.createDatabase("txpolicy");
        pg.exec(db, "CREATE TABLE t (id int PRIMARY KEY)");
        pool = new HikariDataSource();
        pool.setJdbcUrl(pg.url(db));
        pool.setUsername(pg.user());
        pool.setPassword(pg.password());
        pool.setMaximumPoolSize(1); // one connection: the one the transaction used is the one checked after
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void drop() throws SQLException {
        pool.close();
        pg.dropDatabase(db);
    }

    @Test
    void should_commit_asynchronously_only_inside_an_asynchronous_policy() throws Exception {
        String server;
        try (Connection c = pool.getConnection()) {
            server = setting(c); // on, unless the test server was started with it off
        }
        List<String> seen = new ArrayList<>();
        Processor insert = exchange -> {
            Connection c = DataSourceUtils.getConnection(pool);
            seen.add(setting(c));
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (" + (seen.size()) + ")");
            }
        };
        run(new TransactionPolicy(pool, true), insert);
        run(new TransactionPolicy(pool), insert);
        assertEquals(List.of("off", server), seen);
        try (Connection c = pool.getConnection()) {
            assertEquals(server, setting(c)); // SET LOCAL: gone with the transaction
        }
        assertEquals("2", pg.one(db, "SELECT count(*) FROM t")); // both committed
    }

    @Test
    void should_roll_back_an_asynchronous_transaction_that_fails() throws Exception {
        Exchange failed = run(new TransactionPolicy(pool, true), exchange -> {
            try (Statement s = DataSourceUtils.getConnection(pool).createStatement()) {
                s.execute("INSERT INTO t VALUES (1)");
                s.execute("INSERT INTO t VALUES (1)"); // a duplicate key: the transaction fails
            }
        });
        assertEquals("23505", ((SQLException) failed.getException()).getSQLState());
        assertEquals("0", pg.one(db, "SELECT count(*) FROM t"));
    }

    private Exchange run(TransactionPolicy policy, Processor steps) throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        policy.wrap(null, steps).process(exchange);
        return exchange;
    }

    private static String setting(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
