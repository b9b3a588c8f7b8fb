package dev.ferry.stage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import dev.ferry.apply.RunApply;
import dev.ferry.db.Sql;
import dev.ferry.plan.TablePlan;
import dev.ferry.state.Progress;

/**
 * Every statement of staging on {@code ferry.checkpoint}, one row per table: the last key staged (in
 * the source's order), committed in the same transaction as its batch, so that an interrupted run
 * resumes after it and no batch is staged twice. A table read as key ranges keeps every range's last
 * key in its row ({@link dev.ferry.read.KeyRanges.Split}); a batch moves its own range's.
 */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** What a split table's fingerprint ends with: its checkpoint is the ranges' ({@link dev.ferry.read.KeyRanges.Split}). */
    static final String SPLIT = "|split";

    /**
     * A table's resumable checkpoint: the staging generation and the last key staged (null: none yet); for a
     * table read as key ranges ({@code split}), every range's last key ({@link dev.ferry.read.KeyRanges.Split}).
     */
    public record Resumable(String stagingId, String lastKey, boolean split) {
    }

    /**
     * The table's checkpoint when it can be resumed: the same fingerprint (plan, owner, watermark; a split
     * read's too) and its staging table still there; else null.
     */
    public static Resumable resumable(Connection c, String table, String fingerprint, String stagingTable)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint IN (?, ?) AND to_regclass(?) IS NOT NULL, "
                + "staging_id, last_key, fingerprint = ? FROM ferry.checkpoint WHERE table_name = ?")) {
            ps.setString(1, fingerprint);
            ps.setString(2, fingerprint + SPLIT);
            ps.setString(3, stagingTable);
            ps.setString(4, fingerprint + SPLIT);
            ps.setString(5, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1) && rs.getString(2) != null
                        ? new Resumable(rs.getString(2), rs.getString(3), rs.getBoolean(4)) : null;
            }
        }
    }

    /**
     * Marks a fresh staging generation (nothing staged yet) as read in key ranges: the ranges, each with no key
     * staged, become its checkpoint ({@code split}), which every batch then moves one range at a time.
     */
    public static void split(Connection c, String table, String fingerprint, String split) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE ferry.checkpoint SET fingerprint = ?, last_key = ?, "
                + "updated_at = now() WHERE table_name = ? AND fingerprint = ? AND last_key IS NULL")) {
            ps.setString(1, fingerprint + SPLIT);
            ps.setString(2, split);
            ps.setString(3, table);
            ps.setString(4, fingerprint);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("the checkpoint of " + table + " moved before its read started "
                        + "(another run staging the same table?)");
            }
        }
    }

    /**
     * The statement that starts a fresh staging generation of the table (nothing staged yet), its values
     * inlined as literals so that it goes with the staging table's creation in one round trip.
     */
    static String startSql(String table, String runId, String fingerprint, String stagingId) {
        return "INSERT INTO ferry.checkpoint (table_name, run_id, fingerprint, last_key, rows_staged, updated_at, staging_id) "
                + "VALUES (" + Sql.literal(table) + ", " + Sql.literal(runId) + ", " + Sql.literal(fingerprint) + ", NULL, 0, now(), "
                + Sql.literal(stagingId) + ") ON CONFLICT (table_name) DO UPDATE SET "
                + "run_id = EXCLUDED.run_id, fingerprint = EXCLUDED.fingerprint, last_key = NULL, "
                + "rows_staged = 0, updated_at = now(), staging_id = EXCLUDED.staging_id";
    }

    /**
     * Moves the checkpoint from {@code prevKey} to {@code lastKey} in the caller's transaction, guarded:
     * only from the key this run committed last. Returns the rows updated: 1, or 0 when the checkpoint
     * is elsewhere (then {@link #alreadyStaged} says why).
     */
    public static int advance(Connection c, String runId, String table, String lastKey, String prevKey, int rows)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE ferry.checkpoint SET run_id = ?, last_key = ?, "
                + "rows_staged = rows_staged + ?, updated_at = now() WHERE table_name = ? "
                + "AND last_key IS NOT DISTINCT FROM ?")) {
            ps.setString(1, runId);
            ps.setString(2, lastKey);
            ps.setInt(3, rows);
            ps.setString(4, table);
            ps.setString(5, prevKey);
            return ps.executeUpdate();
        }
    }

    /**
     * {@code sync --fresh}: drops each table's staging and checkpoint before anything is read (under the
     * run lock), one line per table that had any, so every row is read again in the run's snapshot.
     */
    public static void discard(DataSource target, List<TablePlan> plans, Progress progress) throws SQLException {
        try (Connection c = target.getConnection()) {
            for (TablePlan plan : plans) {
                boolean staging;
                boolean checkpoint;
                try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL, "
                        + "EXISTS (SELECT 1 FROM ferry.checkpoint WHERE table_name = ?)")) {
                    ps.setString(1, plan.stagingTable());
                    ps.setString(2, plan.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        staging = rs.getBoolean(1);
                        checkpoint = rs.getBoolean(2);
                    }
                }
                if (!staging && !checkpoint) {
                    continue;
                }
                long rows = 0;
                if (staging) {
                    try (Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT count(*) FROM " + plan.stagingTable())) {
                        rs.next();
                        rows = rs.getLong(1);
                    }
                }
                RunApply.discardStaging(c, plan); // the staging table and its checkpoint row
                progress.note(String.format(Locale.ROOT, "fresh: discarded staged rows of %s (%,d rows)",
                        plan.name(), rows));
            }
        }
    }

    /**
     * After a guarded move found the checkpoint elsewhere: throws BatchAlreadyStaged when the committed
     * checkpoint already is {@code lastKey} (an earlier attempt of this batch committed and its reply was
     * lost), else CheckpointConflict.
     */
    public static void alreadyStaged(DataSource target, String table, String lastKey)
            throws BatchAlreadyStagedException, CheckpointConflictException, SQLException {
        String committed;
        try (Connection c = target.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_key FROM ferry.checkpoint WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                committed = rs.next() ? rs.getString(1) : null;
            }
        }
        if (lastKey != null && lastKey.equals(committed)) {
            throw new BatchAlreadyStagedException("the batch of " + table + " up to key " + lastKey
                    + " was already staged by an attempt whose commit reply was lost");
        }
        throw new CheckpointConflictException("the checkpoint of " + table + " moved under this run (another run staging "
                + "the same table?); the table stops so that no row is staged twice");
    }

    /** An earlier attempt of this batch committed: this attempt rolls back and the batch counts as staged. */
    public static final class BatchAlreadyStagedException extends Exception {
        BatchAlreadyStagedException(String message) {
            super(message);
        }
    }

    /** The checkpoint is not where this run left it: the table fails. */
    public static final class CheckpointConflictException extends Exception {
        CheckpointConflictException(String message) {
            super(message);
        }
    }
}
