package dev.ferry.apply;

import dev.ferry.state.RunInterruptedException;
import dev.ferry.verify.VerificationException;
import dev.ferry.verify.Checksum;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * {@link #apply} runs these as numbered steps (as Debezium's snapshot does), each a method of its own; the SQL
 * text is in {@link ApplySql} and {@link MergeSql}, the switches in {@link ConstraintToggles}, the index
 * rebuild in {@link IndexRebuild}.
 */
public final class RunApply {

    private static final Logger LOG = LoggerFactory.getLogger(RunApply.class);

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
        try (Connection c = target.getConnection()) {
            run.applying(c);
            c.setAutoCommit(false);
            try {
                LOG.debug("apply step 1 - finding the tables, their staging and the foreign keys between them");
                plans.forEach(p -> run.result(p.name()).applying());
                ApplyTables tables = ApplyTables.find(c, plans);
                LOG.debug("apply step 2 - rewriting natural-key ids and checking the dead-letter limits");
                Map<String, Long> setAside = remapIds(c, run, tables);
                LOG.debug("apply step 3 - writing the tables");
                Writes w = writeAll(c, run, tables, setAside);
                LOG.debug("apply step 4 - comparing the tables with the source");
                Map<String, Applied> out = compareWithSource(c, run, tables, w, setAside);
                LOG.debug("apply step 5 - settling dead letters, dropping staging and committing");
                settleAndCommit(c, run, tables, out);
                return out;
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
    }

    /**
     * Step 2: natural-key ids rewritten through their maps (a row whose id no map resolves is set aside), then
     * the dead-letter limits checked; returns the rows set aside so far, per table.
     */
    private static Map<String, Long> remapIds(Connection c, Run run, ApplyTables t)
            throws SQLException, DeadLetterStore.TooManyDeadLettersException {
        Map<String, Long> setAside = new LinkedHashMap<>();
        t.plans().forEach(p -> setAside.put(p.name(), 0L));
        IdRemap.apply(c, run.id(), t.plans(), t.stagingIds()).forEach((n, k) -> setAside.merge(n, k, Long::sum));
        t.noteSetAside(setAside);
        checkDeadLetterLimits(c, run, t);
        return setAside;
    }

    /**
     * Step 3: every table written. Most nights no row breaks a constraint: write at once, and let the database
     * check; when a row does, undo, set the offenders aside set-based
     * ({@link ApplyTables#setAsideOffenders}), and write again.
     */
    private Writes writeAll(Connection c, Run run, ApplyTables t, Map<String, Long> setAside)
            throws SQLException, ForeignKeyBrokenException, DeadLetterStore.TooManyDeadLettersException {
        Savepoint optimistic = c.setSavepoint();
        try {
            Writes w = write(c, run, t, false);
            c.releaseSavepoint(optimistic);
            return w;
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
            c.rollback(optimistic);
            t.setAsideOffenders(c, run.id(), setAside);
            checkDeadLetterLimits(c, run, t);
            return write(c, run, t, true);
        }
    }

    /**
     * Step 4: each table that ends equal to the source (less dead letters) compared with the snapshot by count
     * and checksum; a difference here, or a merged row that differs from its staged version, rolls the whole
     * apply back and discards those tables' staging, to be staged again from a fresh snapshot.
     */
    private Map<String, Applied> compareWithSource(Connection c, Run run, ApplyTables t, Writes w, Map<String, Long> setAside)
            throws SQLException, VerificationException {
        Map<String, Applied> out = new LinkedHashMap<>();
        Verifier verifier = new Verifier(source, target);
        t.plans().forEach(p -> run.result(p.name()).verifying()); // merged rows were checked as they were written
        for (TablePlan plan : t.plans()) {
            List<String> keys = w.deadKeys.get(plan.name());
            if (!verify || !replacesWhole(plan.spec())) {
                // rows only the target has, or kept by the conflict strategy, stay: checked row by row above
                out.put(plan.name(), new Applied(w.written.get(plan.name()), keys.size(), setAside.get(plan.name()),
                        w.effects.get(plan.name())));
                continue;
            }
            Checksum expected = sourceChecksum(verifier, run, plan, keys);
            Checksum actual = Verifier.target(c, plan);
            if (!expected.equals(actual)) {
                w.differ(plan, "the source has " + expected.rows() + " rows to copy (checksum " + expected.sum()
                        + "), the target would have " + actual.rows() + " (checksum " + actual.sum() + ")");
            }
            out.put(plan.name(), new Applied(w.written.get(plan.name()), keys.size(), setAside.get(plan.name()),
                    w.effects.getOrDefault(plan.name(), "")));
        }
        if (!w.differing.isEmpty()) {
            c.rollback();
            discardStaging(c, w.differing, false);
            c.commit();
            throw new VerificationException("verification failed for " + w.why + "; nothing was "
                    + "applied, run again to restage " + (w.differing.size() == 1 ? "that table" : "those tables")
                    + " from a fresh snapshot", w.differing.stream().map(TablePlan::name).toList());
        }
        return out;
    }

    /**
     * Step 5: the dead letters of earlier stagings whose rows this apply settles cleared, staging, checkpoints
     * and key sets dropped; committed, unless the run was stopped meanwhile.
     */
    private static void settleAndCommit(Connection c, Run run, ApplyTables t, Map<String, Applied> out)
            throws SQLException, RunInterruptedException {
        for (TablePlan plan : t.plans()) {
            if (t.hasDeadLetters(plan)) { // most nights none: no query
                DeadLetterStore.clearSettled(c, plan, t.stagingId(plan));
            }
        }
        discardStaging(c, t.plans(), true);
        if (!run.mayCommit(out)) {
            throw new RunInterruptedException("the run was stopped before the apply committed; nothing was applied");
        }
        c.commit();
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
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(ApplySql.CHECKPOINTS_LEFT)) {
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
    private static void checkDeadLetterLimits(Connection c, Run run, ApplyTables t)
            throws SQLException, DeadLetterStore.TooManyDeadLettersException {
        for (TablePlan plan : t.plans()) {
            if (t.hasDeadLetters(plan)) { // none stored, none set aside: no limit to pass
                DeadLetterStore.checkLimit(c, plan, t.stagingId(plan), rowsRead(run, plan), true);
            }
        }
    }

    /** The rows staged for the table in this run: read now, and resumed from an earlier attempt. */
    private static long rowsRead(Run run, TablePlan plan) {
        TableResult result = run.result(plan.name());
        return result.read() + result.resumed();
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

    /** What the writes did, per table, and the tables whose written rows differ from the source. */
    private static final class Writes {
        final Map<String, Long> written = new LinkedHashMap<>();
        final Map<String, String> effects = new LinkedHashMap<>();
        final Map<String, List<String>> deadKeys = new LinkedHashMap<>();
        final List<TablePlan> differing = new ArrayList<>();
        final StringBuilder why = new StringBuilder();

        void differ(TablePlan plan, String how) {
            differing.add(plan);
            why.append(why.length() == 0 ? "" : "; ").append(plan.name()).append(": ").append(how);
        }
    }

    /**
     * Drops the foreign keys (those of emptied tables; all of them when {@code last}), disables triggers and
     * rules ({@link ConstraintToggles}), writes every table (full: swapped in, or TRUNCATE and insert; merge,
     * incremental: {@link Merge}), moves sequences, adds the keys back validated, enables triggers and rules. A
     * constraint violation is thrown as is, unless {@code last}: then a foreign key from a table outside the run
     * that would break is reported as such.
     */
    private Writes write(Connection c, Run run, ApplyTables t, boolean last) throws SQLException, ForeignKeyBrokenException {
        Writes w = new Writes();
        // full tables are emptied, so every foreign key to or from them goes for the transaction; keys between
        // merged tables stay and check the few rows written, unless the first attempt broke one
        Set<Long> emptied = new HashSet<>();
        // a merge or incremental table whose target is empty (its first sync) is a bulk load as well: its
        // foreign keys go for the transaction and are validated once, and its indexes are built after the load,
        // instead of a trigger call and an index insert per row
        Set<String> bulkMerged = new HashSet<>();
        for (Map.Entry<Long, TablePlan> e : t.byOid().entrySet()) {
            TablePlan plan = e.getValue();
            if (plan.spec().mode().replacesWhole()) {
                emptied.add(e.getKey());
            } else if (rowsRead(run, plan) >= BULK && isEmpty(c, plan)) {
                emptied.add(e.getKey());
                bulkMerged.add(plan.name());
            }
        }
        List<ApplyChecks.ForeignKey> dropped = last ? t.fks() : t.fks().stream()
                .filter(fk -> emptied.contains(fk.childOid()) || emptied.contains(fk.parentOid())).toList();
        try (Statement s = c.createStatement()) {
            ConstraintToggles toggles = ConstraintToggles.off(c, s, t.plans(), dropped);
            // full tables staged in copies of themselves are swapped in (what each carries over from the old
            // table read for all of them at once); the others are emptied and filled
            Set<String> swapped = swap ? TableSwap.ready(c, t.plans().stream()
                    .filter(p -> p.spec().mode().commitBySwapTable()).toList()) : Set.of();
            Map<String, SwapSql.Facts> facts = TableSwap.facts(c, t.plans().stream()
                    .filter(p -> swapped.contains(p.name())).toList());
            List<TablePlan> full = t.plans().stream().filter(p -> p.spec().mode().replacesWhole())
                    .filter(p -> !swapped.contains(p.name())).toList();
            s.execute(full.isEmpty() ? ApplySql.INDEX_BUILDS : ApplySql.truncate(full) + ";\n" + ApplySql.INDEX_BUILDS);
            for (TablePlan plan : t.plans()) {
                w.deadKeys.put(plan.name(), t.hasDeadLetters(plan) ? deadLetterKeys(c, plan.name(), t.stagingId(plan))
                        : new ArrayList<>());
                List<String> sequences = ApplySql.sequences(plan);
                long swappedRows = swapped.contains(plan.name())
                        ? TableSwap.swapIn(c, plan, facts.get(plan.name()), sequences) : -1;
                if (swappedRows >= 0) {
                    w.written.put(plan.name(), swappedRows);
                    w.effects.put(plan.name(), "swapped in");
                    continue; // its sequences moved in the swap's round trip
                } else if (plan.spec().mode().replacesWhole()) {
                    loadFull(c, s, run, plan, swapped.contains(plan.name()), w);
                } else {
                    loadMerged(c, s, run, plan, bulkMerged.contains(plan.name()), w);
                }
                if (!sequences.isEmpty()) {
                    s.execute(SwapSql.script(sequences));
                }
            }
            toggles.on(s, last);
        }
        return w;
    }

    /**
     * A full table filled from staging (emptied first when its swap was refused); a large one without its
     * indexes, which are then built in one pass each.
     */
    private static void loadFull(Connection c, Statement s, Run run, TablePlan plan, boolean swapRefused, Writes w)
            throws SQLException {
        if (swapRefused) {
            s.execute(ApplySql.truncate(List.of(plan)));
        }
        List<String> rebuild = rowsRead(run, plan) >= BULK ? IndexRebuild.dropIndexes(c, plan) : List.of();
        w.written.put(plan.name(), (long) s.executeUpdate(ApplySql.insertFromStaging(plan)));
        IndexRebuild.build(s, rebuild);
    }

    /**
     * A merge or incremental table merged ({@link Merge}; {@code bulk}: into an empty table, without its
     * indexes), the rows it wrote compared with staging, and an incremental table's high-water mark moved.
     */
    private static void loadMerged(Connection c, Statement s, Run run, TablePlan plan, boolean bulk, Writes w)
            throws SQLException {
        s.execute(ApplySql.JIT_OFF);
        List<String> rebuild = bulk ? IndexRebuild.dropIndexes(c, plan) : List.of();
        Merge.Effect effect = Merge.apply(c, plan, run.id(), w.deadKeys.get(plan.name()),
                run.result(plan.name()).skipped(), bulk);
        IndexRebuild.build(s, rebuild);
        w.written.put(plan.name(), effect.written());
        w.effects.put(plan.name(), effect + (rebuild.isEmpty() ? "" : "; loaded in bulk, indexes built after"));
        long wrong = Merge.mismatches(c, plan, effect, bulk);
        if (wrong > 0) {
            w.differ(plan, wrong + " written row(s) differ from the source");
        }
        if (plan.spec().mode().isIncremental()) {
            Watermarks.set(c, plan.name(), run.result(plan.name()).watermark, run.id());
        }
        s.execute(ApplySql.JIT_RESET);
    }

    /** Whether the target table holds no row of its own (a first merge or incremental sync into it). */
    private static boolean isEmpty(Connection c, TablePlan plan) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ApplySql.isEmpty(plan))) {
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

    static List<String> deadLetterKeys(Connection c, String table, String stagingId) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ApplySql.DEAD_LETTER_KEYS)) {
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

    /** Drops the table's staging and its checkpoint. */
    public static void discardStaging(Connection c, TablePlan plan) throws SQLException {
        discardStaging(c, List.of(plan), false);
    }

    /** Drops these tables' staging (and key sets: {@code keySets}) in one statement, their checkpoints in one. */
    static void discardStaging(Connection c, List<TablePlan> plans, boolean keySets) throws SQLException {
        if (plans.isEmpty()) {
            return;
        }
        List<String> tables = new ArrayList<>();
        plans.forEach(p -> tables.add(p.stagingTable()));
        plans.stream().filter(p -> keySets).forEach(p -> tables.add(p.keySetTable()));
        try (Statement s = c.createStatement()) {
            s.execute(ApplySql.dropIfExists(tables));
        }
        try (PreparedStatement ps = c.prepareStatement(ApplySql.DELETE_CHECKPOINTS)) {
            ps.setArray(1, c.createArrayOf("text", plans.stream().map(TablePlan::name).toArray()));
            ps.executeUpdate();
        }
    }
}
