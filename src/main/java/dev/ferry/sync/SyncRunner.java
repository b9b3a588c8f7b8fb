package dev.ferry.sync;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.ferry.db.SnapshotDataSource;
import dev.ferry.log.Redactor;
import dev.ferry.schema.SchemaIntrospector;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.DefaultExchange;

/**
 * The one entry for a run, whoever starts it (command line, schedule, JMX): plan every table before
 * anything is written, open the run's snapshot, send each table through its {@code sync-<table>}
 * route in order, and record the outcome in the ledger.
 */
public final class SyncRunner {

    private final CamelContext camel;
    private final DataSource sourcePool;
    private final SnapshotDataSource snapshot;
    private final DataSource target;
    private final RunLedger ledger;
    private final Progress progress;

    /** A runner over the routes of this Camel context and its pools. */
    public SyncRunner(CamelContext camel, DataSource sourcePool, SnapshotDataSource snapshot, DataSource target,
                      Progress progress) {
        this.camel = camel;
        this.sourcePool = sourcePool;
        this.snapshot = snapshot;
        this.target = target;
        this.ledger = new RunLedger(target);
        this.progress = progress;
    }

    /** The tables of every {@code sync-<table>} route made from the table-sync template, in load order. */
    public Map<String, TableSpec> tables() {
        Map<String, TableSpec> specs = new LinkedHashMap<>();
        for (RouteDefinition route : camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            Map<String, Object> p = route.getTemplateParameters();
            if (p == null || !p.containsKey("table") || route.getRouteId() == null || !route.getRouteId().startsWith("sync-")) {
                continue;
            }
            String table = resolve(p.get("table"));
            specs.put(table, new TableSpec(table, resolve(p.getOrDefault("key", "id")),
                    resolve(p.getOrDefault("ownerColumn", "")), Integer.parseInt(resolve(p.get("batchSize")))));
        }
        return specs;
    }

    private String resolve(Object value) {
        return value == null ? "" : camel.resolvePropertyPlaceholders(String.valueOf(value)).trim();
    }

    /** Checks every table against both catalogues and orders them parents first; nothing is written. */
    public List<TablePlan> plan(List<TableSpec> specs) throws SQLException, PlanException {
        SchemaIntrospector sourceCatalogue = new SchemaIntrospector(sourcePool);
        SchemaIntrospector targetCatalogue = new SchemaIntrospector(target);
        List<TablePlan> plans = new ArrayList<>();
        for (TableSpec spec : specs) {
            plans.add(TablePlan.of(spec, sourceCatalogue.table(spec.table()), targetCatalogue.table(spec.table())));
        }
        return plans;
    }

    /** Runs the planned tables: the owner must already be resolved (or null when no table has one). */
    public Run run(List<TablePlan> plans, Object ownerId, String trigger, String who) throws SQLException {
        Run run = new Run(trigger, who, ownerId, plans);
        ledger.ensureSchema();
        ledger.begin(run);
        Run.Status outcome = Run.Status.SUCCESS;
        String firstError = null;
        try {
            snapshot.open();
            ProducerTemplate producer = camel.createProducerTemplate();
            try {
                for (TablePlan plan : plans) {
                    TableResult result = run.result(plan.name());
                    if (outcome != Run.Status.SUCCESS) {
                        result.finish(TableResult.Status.SKIPPED, "not run: an earlier table failed");
                        ledger.table(run, result);
                        continue;
                    }
                    Exchange exchange = new DefaultExchange(camel);
                    exchange.setProperty(Run.PROPERTY, run);
                    producer.send("direct:" + plan.spec().routeId(), exchange);
                    if (exchange.getException() != null) {
                        String message = Redactor.redact(SqlErrors.message(exchange.getException()));
                        result.finish(TableResult.Status.FAILED, message);
                        outcome = Run.Status.FAILED;
                        firstError = plan.name() + ": " + message;
                    }
                    ledger.table(run, result);
                }
            } finally {
                producer.close();
            }
        } catch (SQLException | RuntimeException e) {
            outcome = Run.Status.FAILED;
            firstError = Redactor.redact(SqlErrors.message(e));
        } catch (Exception e) {
            outcome = Run.Status.FAILED;
            firstError = Redactor.redact(String.valueOf(e.getMessage()));
        } finally {
            snapshot.close();
            run.finish(outcome, firstError);
            ledger.finish(run);
        }
        return run;
    }
}
