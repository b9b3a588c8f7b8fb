package dev.ferry.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements that swap a staged table in ({@link TableSwap}), from what the catalogue said of the old table
 * ({@link Facts}, read once for every swapped table of the apply): sent as one multi-statement string, one round
 * trip per table. Pure functions.
 * <p>
 * The script opens a savepoint of its own: when PostgreSQL refuses the swap (something depends on the table
 * after all, a privilege is missing, a name is taken) {@link #UNDO} puts the table back as it was and the caller
 * loads it by INSERT instead; and a constraint the rows break is reported as that error, not as a failed
 * transaction. It ends with the swapped table's row count (a check the caller compares) and the savepoint's
 * release.
 */
final class SwapSql {

    /** The savepoint each swap-in opens. */
    static final String SAVEPOINT = "ferry_swap";

    /** Undoes a swap-in that failed part-way, and closes its savepoint. */
    static final String UNDO = "ROLLBACK TO SAVEPOINT " + SAVEPOINT + ";\nRELEASE SAVEPOINT " + SAVEPOINT;

    /**
     * What a swap carries over from the old table: check clauses; primary key, unique and exclusion constraints
     * (each its index's tablespace statement and its clause, in the same order); the other indexes (tablespace
     * statement, definition, in turn); owned sequences and the columns owning them; owner, whether its
     * privileges are the default ones, storage options; GRANT and COMMENT statements; whether the staging has
     * no privileges of its own; the statement that sets default_tablespace back; the staging's indexes to drop
     * before the swap (none but copies of the old table's indexes built beforehand, {@link IndexPrebuild}, are
     * kept: a constraint's copy is attached by {@code ADD CONSTRAINT ... USING INDEX}, another index's renamed).
     */
    record Facts(List<String> checks, List<String> constraintTablespaces, List<String> constraints, List<String> indexes,
                 List<String> ownedSequences, List<String> ownedColumns, String owner, boolean defaultAcl, String options,
                 List<String> grants, List<String> comments, boolean stagingAclDefault, String restoreTablespace,
                 List<String> dropIndexes) {
    }

    /** Names of one swap: the target table (qualified), its schema and name (quoted), the staging (qualified, then as moved). */
    record Names(String table, String schema, String name, String staging, String moved) {
    }

    private SwapSql() {
    }

    /**
     * From the savepoint to the indexes built and default_tablespace set back: the staging's stray indexes
     * dropped, the old table dropped (RESTRICT:
     * refused when anything still depends on it), staging moved and renamed into its place, owner, constraints,
     * storage options, indexes and owned sequences as they were.
     */
    static List<String> swap(Names n, Facts f) {
        List<String> out = new ArrayList<>();
        out.add("SAVEPOINT " + SAVEPOINT);
        out.addAll(f.dropIndexes());
        for (String seq : f.ownedSequences()) {
            out.add("ALTER SEQUENCE " + seq + " OWNED BY NONE");
        }
        out.add("DROP TABLE " + n.table());
        out.add("ALTER TABLE " + n.staging() + " SET SCHEMA " + n.schema());
        out.add("ALTER TABLE " + n.moved() + " RENAME TO " + n.name());
        out.add("ALTER TABLE " + n.table() + " OWNER TO " + f.owner());
        if (!f.checks().isEmpty()) {
            out.add("ALTER TABLE " + n.table() + " " + String.join(", ", f.checks())); // one scan for every check
        }
        for (int i = 0; i < f.constraints().size(); i++) { // the primary key first, then unique and exclusion
            out.add(f.constraintTablespaces().get(i));
            out.add("ALTER TABLE " + n.table() + " " + f.constraints().get(i));
        }
        if (f.options() != null && !f.options().isEmpty()) {
            out.add("ALTER TABLE " + n.table() + " SET (" + f.options() + ")");
        }
        out.addAll(f.indexes());
        for (int i = 0; i < f.ownedSequences().size(); i++) {
            out.add("ALTER SEQUENCE " + f.ownedSequences().get(i) + " OWNED BY " + n.table() + "." + f.ownedColumns().get(i));
        }
        out.add(f.restoreTablespace()); // as it was for the rest of the apply
        return out;
    }

    /**
     * Privileges exactly as they were: those the staging got from default privileges revoked ({@code added}: their
     * grantees; none when the staging had none), the owner's implicit ones made explicit when they were implicit
     * and something was revoked, the old table's granted.
     */
    static List<String> privileges(Names n, Facts f, List<String> added) {
        List<String> out = new ArrayList<>();
        for (String grantee : added) {
            out.add("REVOKE ALL ON " + n.table() + " FROM " + grantee);
        }
        if (f.defaultAcl() && !added.isEmpty()) {
            out.add("GRANT ALL ON " + n.table() + " TO " + f.owner());
        }
        out.addAll(f.grants());
        return out;
    }

    /**
     * The end of the script: comments, {@code then} (the statements that move the table's sequences), the row
     * count of {@code rows} (the table as the apply writes it: the last result of the script), the release.
     */
    static List<String> finish(Facts f, List<String> then, String rows) {
        List<String> out = new ArrayList<>(f.comments());
        out.addAll(then);
        out.add("SELECT count(*) FROM " + rows);
        out.add("RELEASE SAVEPOINT " + SAVEPOINT);
        return out;
    }

    /** The grantees of the swapped-in table {@code ?}'s privileges (one per row), when the staging had some of its own. */
    static final String GRANTEES = "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
            + "quote_ident(pg_get_userbyid(a.grantee)) END FROM pg_class t, aclexplode(t.relacl) a "
            + "WHERE t.oid = CAST(? AS regclass)";

    /** Statements as one string for {@code Statement.execute}: one round trip. */
    static String script(List<String> statements) {
        return String.join(";\n", statements);
    }
}
