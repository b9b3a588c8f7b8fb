package dev.ferry.db;

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

    private final TransactionTemplate template;

    /** Transactions on this data source. */
    public TransactionPolicy(DataSource dataSource) {
        template = new TransactionTemplate(new JdbcTransactionManager(dataSource));
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
