package dev.ferry.cli;

import dev.ferry.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.db.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry conflicts}: the rows a merge or incremental run with {@code conflict: manual} left as the
 * target had them, because the target changed them since Ferry wrote them. Each row shows the columns
 * in which the source's version differs.
 */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
        description = "Rows left to a person by conflict: manual (ferry.conflict): id, table, key, run, differing columns.",
        subcommands = ConflictsResolveCommand.class)
public final class ConflictsCommand implements Callable<Integer> {

    @Option(names = "--table", paramLabel = "T", description = "Only this table.")
    String table;

    @Override
    public Integer call() {
        try (FerryApp app = FerryApp.start(null, Map.of()); Connection c = app.target().getConnection()) {
            int n = 0;
            new dev.ferry.ledger.ConflictStore(app.target()).list(null); // a ledger of an earlier version gets its ids
            System.out.printf("%-6s  %-20s  %-16s  %-36s  %-20s  %s%n", "id", "table", "key", "run", "when",
                    "columns that differ");
            try {
                List<String> lines = Jdbc.list(c, "SELECT id, table_name, row_key, run_id, "
                        + "to_char(created_at, 'YYYY-MM-DD HH24:MI:SS'), (SELECT string_agg(key, ', ' ORDER BY key) FROM "
                        + "jsonb_each(source_row) e WHERE e.value IS DISTINCT FROM target_row -> e.key) FROM ferry.conflict "
                        + "WHERE CAST(? AS text) IS NULL OR table_name = ? ORDER BY table_name, row_key",
                        rs -> String.format("%-6s  %-20s  %-16s  %-36s  %-20s  %s%n", rs.getString(1), rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)), table, table);
                lines.forEach(System.out::print);
                n = lines.size();
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState())) {
                    throw e;
                }
            }
            System.err.println(n + " conflict(s)" + (n > 0 ? ": the target's version was kept; the source's is in "
                    + "ferry.conflict.source_row. Resolve one with ./ferry conflicts resolve ID --keep source|target, or run "
                    + "the table once with conflict: sourceWins (a two-way table kept both sides' versions: --keep a|b, "
                    + "or edit either side, and the next run carries it over)" : ""));
            return ExitCodes.SUCCESS;
        } catch (Exception e) {
            System.err.println(Redactor.redact("conflicts FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }
}
