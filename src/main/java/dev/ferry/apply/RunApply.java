package dev.ferry.apply;

import dev.ferry.state.RunInterruptedException;
import dev.ferry.verify.VerificationException;
import dev.ferry.verify.Checksum;
import dev.ferry.db.SqlErrors;
import dev.ferry.ledger.DeadLetterStore;
import dev.ferry.ledger.Watermarks;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import dev.ferry.verify.Verifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.ferry.db.Sql;

/**
 * Applies the staged tables of a run to the target in one transaction, so the development database
 * goes from its old state to the run's snapshot at once and never shows a half-synced table:
 * <ol>
 * <li>rows the target's constraints would reject move to the dead-letter store (set-based checks;
 *     foreign keys are checked against the parents' staging, repeated until no row moves, so the
 *     children of a set-aside parent follow it);</li>
 * <li>the foreign keys from and to the applied tables are dropped, and user triggers on them are
 *     disabled, for the transaction (cycles, self-references and parents whose old rows are still
 *     referenced all work, and no trigger alters the copied values);</li>
 * <li>the tables are emptied and filled from staging; sequences move past the copied values;</li>
 * <li>the foreign keys are added back, each validated in one pass over its table, and the triggers
 *     enabled;</li>
 * <li>every table's count and checksum is compared with the source snapshot; any difference, or
 *     any failure, rolls the whole transaction back.</li>
 * </ol>
 * Everything above is transactional DDL in PostgreSQL: a rollback restores the constraints and triggers.
 */
public final class RunApply {

    /** What the apply did to one table. */
    public record Applied(long written, long deadLettered, long setAsideAtApply, String effect) {
    }

    private final DataSource source;
    private final DataSource target;
    private final boolean verify;
    private final boolean swap;

    /**
     * Applies to {@code target}, verifying against {@code source} (the run's snapshot) unless {@code verify} is
     * false, swapping staged full tables in where they can be when {@code swap} ({@link TableSwap}).
     */
    public RunApply(DataSource source, DataSource target, boolean verify, boolean swap) {
        this.source = source;
        this.target = target;
        this.verify = verify;
        this.swap = swap;
    }

    /** Applies these staged tables (parents first) in one transaction; returns per table what was written. */
    public Map<String, Applied> apply(Run run, List<TablePlan> plans) throws SQLException,
            VerificationException, ForeignKeyBrokenException, RunInterruptedException,
            DeadLetterStore.TooManyDeadLettersException {
        @SuppressWarnings("unchecked")
        Map<String, Applied> sent = (Map<String, Applied>) run.sentForCommit();
        if (sent != null) {
            // a redelivery after a COMMIT whose reply was lost: it committed if it took the checkpoints with it
            if (!checkpointsLeft(plans)) {
                return sent;
            }
            run.commitFailed();
        }
        Map<String, Applied> out = new LinkedHashMap<>();
        Verifier verifier = new Verifier(source, target);
        try (Connection c = target.getConnection()) {
            run.applying(c);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                Map<Long, TablePlan> byOid = new LinkedHashMap<>();
                Map<String, String> stagingIds = new LinkedHashMap<>();
                for (TablePlan plan : plans) {
                    byOid.put(oid(c, plan), plan);
                    stagingIds.put(plan.name(), stagingId(c, plan));
                }
                List<ApplyChecks.ForeignKey> fks = ApplyChecks.foreignKeys(c, new ArrayList<>(byOid.keySet()));

                Map<String, Long> setAside = new LinkedHashMap<>();
                plans.forEach(p -> setAside.put(p.name(), 0L));
                IdRemap.apply(c, run.id(), plans, stagingIds).forEach((t, n) -> setAside.merge(t, n, Long::sum));
                checkDeadLetterLimits(c, run, plans, stagingIds);
                Writes w;
                Savepoint optimistic = c.setSavepoint();
                try {
                    // most nights no row breaks a constraint: write at once, and let the database check
                    w = write(c, run, plans, byOid, fks, stagingIds, false, swap);
                    c.releaseSavepoint(optimistic);
                } catch (SQLException e) {
                    if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                        throw e;
                    }
                    // a row breaks a constraint: undo, set the offenders aside set-based, write again
                    c.rollback(optimistic);
                    check(c, run, plans, byOid, fks, stagingIds, setAside);
                    checkDeadLetterLimits(c, run, plans, stagingIds);
                    w = write(c, run, plans, byOid, fks, stagingIds, true, swap);
                }
                Map<String, Long> written = w.written;
                Map<String, String> effects = w.effects;
                Map<String, List<String>> deadKeys = w.deadKeys;
                List<TablePlan> differing = w.differing;
                StringBuilder why = w.why;

                for (TablePlan plan : plans) {
                    List<String> keys = deadKeys.get(plan.name());
                    if (!verify || !replacesWhole(plan.spec())) {
                        // rows only the target has, or kept by the conflict strategy, stay: checked row by row above
                        out.put(plan.name(), new Applied(written.get(plan.name()), keys.size(), setAside.get(plan.name()),
                                effects.get(plan.name())));
                        continue;
                    }
                    Checksum expected = sourceChecksum(verifier, run, plan, keys);
                    Checksum actual = Verifier.target(c, plan);
                    if (!expected.equals(actual)) {
                        differing.add(plan);
                        why.append(why.length() == 0 ? "" : "; ").append(plan.name()).append(": the source has ")
                                .append(expected.rows()).append(" rows to copy (checksum ").append(expected.sum())
                                .append("), the target would have ").append(actual.rows()).append(" (checksum ")
                                .append(actual.sum()).append(")");
                    }
                    out.put(plan.name(), new Applied(written.get(plan.name()), keys.size(), setAside.get(plan.name()),
                            effects.getOrDefault(plan.name(), "")));
                }
                if (!differing.isEmpty()) {
                    c.rollback();
                    for (TablePlan plan : differing) {
                        discardStaging(c, plan);
                    }
                    c.commit();
                    throw new VerificationException("verification failed for " + why + "; nothing was "
                            + "applied, run again to restage " + (differing.size() == 1 ? "that table" : "those tables")
                            + " from a fresh snapshot", differing.stream().map(TablePlan::name).toList());
                }
                for (TablePlan plan : plans) {
                    // dead letters of earlier stagings whose rows this apply settles are no longer set aside
                    DeadLetterStore.clearSettled(c, plan, stagingIds.get(plan.name()));
                    discardStaging(c, plan);
                    s.execute("DROP TABLE IF EXISTS " + plan.keySetTable());
                }
                if (!run.mayCommit(out)) {
                    throw new RunInterruptedException("the run was stopped before the apply committed; "
                            + "nothing was applied");
                }
                c.commit();
            } catch (SQLException | RuntimeException | ForeignKeyBrokenException | RunInterruptedException
                     | DeadLetterStore.TooManyDeadLettersException e) {
                rollback(c, e); // never let the autocommit switch below commit half an apply
                throw e;
            } finally {
                run.applying(null);
                if (!c.isClosed()) {
                    try {
                        c.setAutoCommit(true);
                    } catch (SQLException e) {
                        // a connection broken meanwhile: the pool evicts it, and the failure is already on its way
                    }
                }
            }
        }
        return out;
    }

    /**
     * Rolls the apply back after {@code failure}; when the connection is gone (terminated, say) the server
     * has rolled it back already, and the rollback's own error must not hide the failure (whose SQLState
     * decides whether the apply is redelivered).
     */
    private static void rollback(Connection c, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** Whether any of these tables still has its checkpoint (an apply that committed removed them all). */
    private boolean checkpointsLeft(List<TablePlan> plans) throws SQLException {
        try (Connection c = target.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ferry.checkpoint WHERE table_name = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", plans.stream().map(TablePlan::name).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /**
     * Fails the apply (nothing of it is kept) when a table's dead letters, with those the apply has set aside
     * so far, pass its maxDeadLetters.
     */
    private static void checkDeadLetterLimits(Connection c, Run run, List<TablePlan> plans, Map<String, String> stagingIds)
            throws SQLException, DeadLetterStore.TooManyDeadLettersException {
        for (TablePlan plan : plans) {
            TableResult result = run.result(plan.name());
            DeadLetterStore.checkLimit(c, plan, stagingIds.get(plan.name()), result.read() + result.resumed(), true);
        }
    }

    /** The source side: computed while staging when no row was set aside, else now, less the rows set aside. */
    private static Checksum sourceChecksum(Verifier verifier, Run run, TablePlan plan, List<String> setAside)
            throws SQLException {
        java.util.concurrent.Future<Checksum> early = run.result(plan.name()).sourceChecksum;
        if (early != null && setAside.isEmpty()) {
            try {
                return early.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while checksumming the source", "57014", e);
            } catch (java.util.concurrent.ExecutionException e) {
                // (a dropped connection, say): computed again below
            }
        }
        return verifier.source(plan, run.ownerId(), setAside);
    }

    /** Rows from which a full table is loaded without its indexes and they are built afterwards. */
    static final long BULK = 10_000;

    /**
     * Drops the indexes of an ordinary table (no partitions, no inheritance) and the primary key, unique and
     * exclusion constraints they back; returns the statements that build them again, each in the tablespace
     * it was in (whatever default_tablespace says). Their foreign keys were dropped already.
     */
    private static List<String> dropIndexes(Connection c, TablePlan plan) throws SQLException {
        List<String> drop = new ArrayList<>();
        List<String> rebuild = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.conname, pg_get_constraintdef(k.oid), "
                + "pg_get_indexdef(i.indexrelid), quote_ident(n.nspname) || '.' || quote_ident(ic.relname), "
                + "format('SELECT set_config(''default_tablespace'', %L, true)', coalesce((SELECT s.spcname FROM "
                + "pg_tablespace s WHERE s.oid = ic.reltablespace), '')) "
                + "FROM pg_class t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class ic ON ic.oid = i.indexrelid "
                + "JOIN pg_namespace n ON n.oid = ic.relnamespace LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid "
                + "AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x') WHERE t.oid = ?::regclass AND t.relkind = 'r' "
                + "AND NOT t.relispartition AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhparent = t.oid "
                + "OR h.inhrelid = t.oid) AND NOT i.indisreplident AND NOT i.indisclustered ORDER BY k.contype NULLS LAST")) {
            ps.setString(1, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rebuild.add(rs.getString(5));
                    if (rs.getString(1) != null) {
                        drop.add("ALTER TABLE " + plan.targetTable() + " DROP CONSTRAINT " + Sql.ident(rs.getString(1)));
                        rebuild.add("ALTER TABLE " + plan.targetTable() + " ADD CONSTRAINT " + Sql.ident(rs.getString(1))
                                + " " + rs.getString(2));
                    } else {
                        drop.add("DROP INDEX " + rs.getString(4));
                        rebuild.add(rs.getString(3));
                    }
                }
            }
        }
        if (!rebuild.isEmpty()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT format('SELECT set_config("
                    + "''default_tablespace'', %L, true)', current_setting('default_tablespace'))")) {
                rs.next();
                rebuild.add(rs.getString(1)); // as it was for the rest of the apply
            }
        }
        Savepoint sp = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            for (String sql : drop) {
                s.execute(sql);
            }
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            // something depends on an index (a view grouping by the primary key, say): load with the indexes in place
            c.rollback(sp);
            if (SqlErrors.isTransient(e)) {
                throw e;
            }
            return List.of();
        }
        return rebuild;
    }

    /** What the writes did, per table. */
    private static final class Writes {
        final Map<String, Long> written = new LinkedHashMap<>();
        final Map<String, String> effects = new LinkedHashMap<>();
        final Map<String, List<String>> deadKeys = new LinkedHashMap<>();
        final List<TablePlan> differing = new ArrayList<>();
        final StringBuilder why = new StringBuilder();
    }

    /** Moves the staged rows that a constraint of the target would reject to the dead letters (set-based). */
    private static void check(Connection c, Run run, List<TablePlan> plans, Map<Long, TablePlan> byOid,
                              List<ApplyChecks.ForeignKey> fks, Map<String, String> stagingIds, Map<String, Long> setAside)
            throws SQLException {
        for (TablePlan plan : plans) {
            setAside.merge(plan.name(), ApplyChecks.moveOwnOffenders(c, plan, run.id(), stagingIds.get(plan.name())),
                    Long::sum);
        }
        long moved;
        do { // a parent row set aside orphans its children, in any table of the run
            moved = 0;
            for (ApplyChecks.ForeignKey fk : fks) {
                TablePlan child = byOid.get(fk.childOid());
                if (child == null) {
                    continue; // a table outside the run: the re-added constraint checks it
                }
                long n = ApplyChecks.moveOrphans(c, child, byOid.get(fk.parentOid()), fk, run.id(),
                        stagingIds.get(child.name()));
                setAside.merge(child.name(), n, Long::sum);
                moved += n;
            }
        } while (moved > 0);
    }

    /**
     * Drops the foreign keys (those of full tables; all of them when {@code last}), disables triggers and
     * rules, writes every table (full: TRUNCATE and insert; merge, incremental: {@link Merge}), moves sequences, adds the keys back validated, enables triggers and
     * rules. A constraint violation is thrown as is, unless {@code last}: then a foreign key from a table
     * outside the run that would break is reported as such.
     */
    private static Writes write(Connection c, Run run, List<TablePlan> plans, Map<Long, TablePlan> byOid,
                                List<ApplyChecks.ForeignKey> fks, Map<String, String> stagingIds, boolean last,
                                boolean swap) throws SQLException, ForeignKeyBrokenException {
        Writes w = new Writes();
        // full tables are emptied, so every foreign key to or from them goes for the transaction; keys between
        // merged tables stay and check the few rows written, unless the first attempt broke one
        java.util.Set<Long> emptied = new java.util.HashSet<>();
        // a merge or incremental table whose target is empty (its first sync) is a bulk load as well: its
        // foreign keys go for the transaction and are validated once, and its indexes are built after the load,
        // instead of a trigger call and an index insert per row
        java.util.Set<String> bulkMerged = new java.util.HashSet<>();
        for (Map.Entry<Long, TablePlan> e : byOid.entrySet()) {
            TablePlan plan = e.getValue();
            if (plan.spec().mode().replacesWhole()) {
                emptied.add(e.getKey());
            } else if (run.result(plan.name()).read() + run.result(plan.name()).resumed() >= BULK && isEmpty(c, plan)) {
                emptied.add(e.getKey());
                bulkMerged.add(plan.name());
            }
        }
        List<ApplyChecks.ForeignKey> dropped = last ? fks : fks.stream()
                .filter(fk -> emptied.contains(fk.childOid()) || emptied.contains(fk.parentOid())).toList();
        try (Statement s = c.createStatement()) {
            for (ApplyChecks.ForeignKey fk : dropped) {
                s.execute("ALTER TABLE " + fk.child() + " DROP CONSTRAINT " + Sql.ident(fk.name()));
            }
            List<String> enable = new ArrayList<>();
            for (TablePlan plan : plans) {
                if (hasUserTriggers(c, plan)) {
                    enable.add("ALTER TABLE " + plan.targetTable() + " ENABLE TRIGGER USER");
                    s.execute("ALTER TABLE " + plan.targetTable() + " DISABLE TRIGGER USER");
                }
                // rewrite rules (an INSTEAD rule routing an inheritance parent's inserts to its children)
                for (String rule : rules(c, plan)) {
                    enable.add("ALTER TABLE " + plan.targetTable() + " ENABLE RULE " + Sql.ident(rule));
                    s.execute("ALTER TABLE " + plan.targetTable() + " DISABLE RULE " + Sql.ident(rule));
                }
            }
            // full tables staged in copies of themselves are swapped in; the others are emptied and filled
            java.util.Set<String> swapped = new java.util.HashSet<>();
            for (TablePlan plan : plans) {
                if (swap && plan.spec().mode().commitBySwapTable() && TableSwap.ready(c, plan)) {
                    swapped.add(plan.name());
                }
            }
            List<TablePlan> full = plans.stream().filter(p -> p.spec().mode().replacesWhole())
                    .filter(p -> !swapped.contains(p.name())).toList();
            if (!full.isEmpty()) {
                s.execute("TRUNCATE " + String.join(", ", full.stream().map(TablePlan::targetRows).toList()));
            }
            s.execute("SET LOCAL maintenance_work_mem = '256MB'"); // index builds after bulk loads
            for (TablePlan plan : plans) {
                w.deadKeys.put(plan.name(), deadLetterKeys(c, plan.name(), stagingIds.get(plan.name())));
                long swappedRows = swapped.contains(plan.name()) ? TableSwap.swapIn(c, plan) : -1;
                if (swappedRows >= 0) {
                    w.written.put(plan.name(), swappedRows);
                    w.effects.put(plan.name(), "swapped in");
                } else if (plan.spec().mode().replacesWhole()) {
                    if (swapped.contains(plan.name())) {
                        s.execute("TRUNCATE " + plan.targetRows()); // the swap was refused: load it as the others
                    }
                    // a large emptied table is filled without its indexes, which are then built in one pass each
                    List<String> rebuild = run.result(plan.name()).read() + run.result(plan.name()).resumed() >= BULK
                            ? dropIndexes(c, plan) : List.of();
                    w.written.put(plan.name(), (long) s.executeUpdate(plan.insertFromStagingSql()));
                    for (String sql : rebuild) {
                        s.execute(sql);
                    }
                } else {
                    // lookups and updates row by row through indexes: compiling them (JIT, chosen from estimates
                    // the stored-hash join inflates) costs more than it saves (4M books, 40,000 changed: the
                    // classification 2.5 s with it, 0.6 s without); back to the session's setting after
                    s.execute("SET LOCAL jit = off");
                    boolean bulk = bulkMerged.contains(plan.name());
                    List<String> rebuild = bulk ? dropIndexes(c, plan) : List.of();
                    Merge.Effect effect = Merge.apply(c, plan, run.id(), w.deadKeys.get(plan.name()),
                            run.result(plan.name()).skipped(), bulk);
                    for (String sql : rebuild) {
                        s.execute(sql);
                    }
                    w.written.put(plan.name(), effect.written());
                    w.effects.put(plan.name(), effect + (rebuild.isEmpty() ? "" : "; loaded in bulk, indexes built after"));
                    long wrong = Merge.mismatches(c, plan, effect, bulk);
                    if (wrong > 0) {
                        w.differing.add(plan);
                        w.why.append(w.why.length() == 0 ? "" : "; ").append(plan.name()).append(": ").append(wrong)
                                .append(" written row(s) differ from the source");
                    }
                    if (plan.spec().mode().isIncremental()) {
                        Watermarks.set(c, plan.name(), run.result(plan.name()).watermark, run.id());
                    }
                    s.execute("RESET jit");
                }
                for (String sql : plan.sequenceSql()) {
                    s.execute(sql);
                }
            }
            for (ApplyChecks.ForeignKey fk : dropped) {
                try {
                    s.execute("ALTER TABLE " + fk.child() + " ADD CONSTRAINT " + Sql.ident(fk.name()) + " " + fk.definition());
                } catch (SQLException e) {
                    if (!last || !"23503".equals(e.getSQLState())) {
                        throw e;
                    }
                    throw new ForeignKeyBrokenException("foreign key " + fk.name() + " of " + fk.child()
                            + " would break: " + fk.child() + " holds rows that reference rows of " + fk.parent()
                            + " this run does not copy. Add " + fk.child() + " to the run (a route file in the "
                            + "tables folder), or remove those rows from the target; nothing was applied");
                }
            }
            for (String sql : enable) {
                s.execute(sql);
            }
        }
        return w;
    }

    /** Whether the target table holds no row of its own (a first merge or incremental sync into it). */
    private static boolean isEmpty(Connection c, TablePlan plan) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + plan.targetRows() + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Whether the table ends equal to the source (less dead letters), so that a full checksum verifies it. */
    public static boolean replacesWhole(TableSpec spec) {
        return spec.mode().replacesWhole()
                || (spec.deletesRowsOnlyTargetHas() && spec.conflict() == TableSpec.Conflict.SOURCE_WINS);
    }

    /** A foreign key from a table outside the run would be broken by the apply: nothing was applied. */
    public static final class ForeignKeyBrokenException extends Exception {
        ForeignKeyBrokenException(String message) {
            super(message);
        }
    }

    private static long oid(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::regclass::oid::bigint")) {
            ps.setString(1, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String stagingId(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT staging_id FROM ferry.checkpoint WHERE table_name = ?")) {
            ps.setString(1, plan.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Whether the table, or one of its partitions, has triggers of its own (not those of constraints). */
    private static boolean hasUserTriggers(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_trigger t WHERE NOT t.tgisinternal "
                + "AND (t.tgrelid = ?::regclass OR t.tgrelid IN (SELECT relid FROM pg_partition_tree(?::regclass))))")) {
            ps.setString(1, plan.targetTable());
            ps.setString(2, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The table's rewrite rules that are enabled (views' _RETURN rules are not in pg_rules). */
    private static List<String> rules(Connection c, TablePlan plan) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.rulename FROM pg_rewrite r WHERE r.ev_class = ?::regclass "
                + "AND r.rulename <> '_RETURN' AND r.ev_enabled <> 'D' ORDER BY r.rulename")) {
            ps.setString(1, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static List<String> deadLetterKeys(Connection c, String table, String stagingId) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT row_key FROM ferry.dead_letter WHERE table_name = ? AND staging_id = ? AND row_key IS NOT NULL")) {
            ps.setString(1, table);
            ps.setString(2, stagingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    public static void discardStaging(Connection c, TablePlan plan) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + plan.stagingTable());
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry.checkpoint WHERE table_name = ?")) {
                ps.setString(1, plan.name());
                ps.executeUpdate();
            }
        }
    }
}
