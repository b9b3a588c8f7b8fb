package dev.ferry.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Camel {@code policy} that runs its steps in one new database transaction: every camel-sql
 * endpoint on the same data source inside it shares the connection, and a failure rolls all of it
 * back. Unlike Camel's {@code transacted}, it leaves error handling alone: the failure reaches the
 * calling route's error handler, which redelivers it in a new transaction or dead-letters it.
 */
public final class TransactionPolicy implements Policy {

    /** What an asynchronous transaction runs first (PostgreSQL's asynchronous commit, for this transaction only). */
    public static final String ASYNCHRONOUS_COMMIT = "SET LOCAL synchronous_commit = off";

    private final TransactionTemplate template;

    /** Transactions on this data source, committed as the server is configured to (synchronously by default). */
    public TransactionPolicy(DataSource dataSource) {
        this(dataSource, false);
    }

    /**
     * Transactions on this data source; with {@code asynchronousCommit}, each one's COMMIT returns before
     * its WAL reaches the disk ({@value #ASYNCHRONOUS_COMMIT}). For work that is redone when lost and lost
     * whole (staging: a batch commits with its checkpoint), so that a server crash at worst costs a
     * resume from an earlier checkpoint; any later synchronous commit on the server (the apply's) makes it
     * durable first, since the WAL is written in order.
     */
    public TransactionPolicy(DataSource dataSource, boolean asynchronousCommit) {
        JdbcTransactionManager manager = asynchronousCommit ? new JdbcTransactionManager(dataSource) {
            @Override
            protected void prepareTransactionalConnection(Connection c, TransactionDefinition definition)
                    throws SQLException {
                super.prepareTransactionalConnection(c, definition);
                try (Statement s = c.createStatement()) {
                    s.execute(ASYNCHRONOUS_COMMIT);
                }
            }
        } : new JdbcTransactionManager(dataSource);
        template = new TransactionTemplate(manager);
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return exchange -> template.executeWithoutResult(status -> {
            boolean was = exchange.isTransacted();
            exchange.getExchangeExtension().setTransacted(true);
            try {
                processor.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            } finally {
                exchange.getExchangeExtension().setTransacted(was);
            }
            if (exchange.getException() != null) {
                status.setRollbackOnly();
            }
        });
    }
}
