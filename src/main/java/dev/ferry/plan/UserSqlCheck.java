package dev.ferry.plan;

import dev.ferry.db.Jdbc;
import dev.ferry.db.SqlErrors;
import dev.ferry.rules.Rules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.ferry.db.UserSql;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * Checks every SQL fragment of the route files (each table's {@code where} and {@code sql(...)} rules) at
 * plan time, before any row is read: first lexically ({@link UserSql}: nothing that ends or opens a
 * statement), then by PostgreSQL, which parses and describes it as one expression over the table's rows
 * aliased {@code s}, as the read uses them, through the extended protocol (Parse and Describe, nothing
 * executed) inside a read-only transaction of the source. Only then may a fragment reach the COPY's
 * simple-query protocol.
 */
public final class UserSqlCheck {

    /** One fragment: where it comes from, its text, and the statement that checks it. */
    private record Fragment(TablePlan plan, String parameter, String text, String check, String kind) {
    }

    private UserSqlCheck() {
    }

    /** Refuses the first fragment that is not one SQL expression, naming its table and parameter. */
    public static void check(List<TablePlan> plans, DataSource source) throws UserSqlException, SQLException {
        List<Fragment> fragments = new ArrayList<>();
        for (TablePlan plan : plans) {
            String where = plan.spec().where();
            if (where != null && !where.isBlank()) {
                fragments.add(new Fragment(plan, "where", where,
                        "SELECT 1 FROM " + plan.sourceRows() + " s WHERE (" + where + ") LIMIT 0", "a condition"));
            }
            for (Map.Entry<String, Rules.Rule> rule : plan.rules().entrySet()) {
                if (rule.getValue().kind().equals("sql")) {
                    String text = rule.getValue().argument();
                    fragments.add(new Fragment(plan, "rules (" + rule.getKey() + ": sql(...))", text,
                            "SELECT (" + text + ")::text FROM " + plan.sourceRows() + " s LIMIT 0", "a rule"));
                }
            }
        }
        for (Fragment f : fragments) {
            String problem = UserSql.problem(f.text());
            if (problem != null) {
                throw refused(f, problem);
            }
        }
        if (fragments.isEmpty()) {
            return;
        }
        try (Connection c = source.getConnection()) {
            if (c.unwrap(PGConnection.class).getPreferQueryMode() == PreferQueryMode.SIMPLE) {
                Fragment f = fragments.get(0);
                throw new UserSqlException(f.plan().name() + ": parameter " + f.parameter() + ": the source URL sets "
                        + "preferQueryMode=simple, with which PostgreSQL cannot check that it is one expression: "
                        + "remove preferQueryMode=simple from FERRY_SOURCE_URL");
            }
            try {
                // opens the source's read-only transaction: the fragments are parsed inside it
                Jdbc.one(c, "SELECT current_setting('transaction_read_only')", rs -> rs.getString(1));
                for (Fragment f : fragments) {
                    try (PreparedStatement ps = c.prepareStatement(f.check())) {
                        ps.getMetaData(); // Parse and Describe only: the fragment is never executed
                    } catch (SQLException e) {
                        if (!aboutTheFragment(e)) {
                            throw e;
                        }
                        // Parse and Describe read no row: what the error quotes is the fragment's own text, which
                        // the user needs to see (only the position and hint lines go)
                        String why = SqlErrors.message(e).replaceAll("(?s)\\s*(Detail|Where|Position|Hint):.*$", "")
                                .replaceFirst("^ERROR: ", "");
                        throw refused(f, "PostgreSQL does not take it as one expression over " + f.plan().name()
                                + "'s rows: " + why);
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    /** Whether the error is the fragment's (syntax, names, types), not the server's or the connection's. */
    private static boolean aboutTheFragment(SQLException e) {
        String state = SqlErrors.sqlState(e);
        return state != null && !SqlErrors.isTransient(e)
                && java.util.stream.Stream.of("08", "53", "57", "58", "XX").noneMatch(state::startsWith);
    }

    private static UserSqlException refused(Fragment f, String problem) {
        return new UserSqlException(f.plan().name() + ": parameter " + f.parameter() + ": " + problem + ": "
                + f.kind() + " must be one SQL expression");
    }
}
