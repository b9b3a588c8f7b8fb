package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.ferry.log.Redactor;
import dev.ferry.support.TestPostgres;
import dev.ferry.db.SqlErrors;
import org.junit.jupiter.api.Test;

/** The redactor masks whole passwords whatever they contain; dead-letter reasons keep no row value. */
class SecretsIT {

    /** Real messages of PostgreSQL that quote the rejected value, each with a marker that must go. */
    @Test
    void should_strip_the_value_of_every_value_quoting_message_of_postgresql() throws SQLException {
        List<String> failing = List.of(
                "SELECT 'ecZq7'::pg_temp.mood",
                "SELECT 'Zq7'::int",
                "SELECT '2020-13-45 Zq7'::date",
                "SELECT '{1,Zq7'::int[]",
                "SELECT '(Zq7'::pg_temp.pair",
                "SELECT '1e999'::float8 + length('Zq7')",
                "SELECT '99999999999'::int",
                "SELECT 'Zq7'::uuid",
                "SELECT '{\"a\": Zq7'::json",
                "SELECT 'Zq7'::inet",
                "SELECT timezone('Zqseven', now())",
                "SELECT convert_from('\\xc328'::bytea, 'UTF8')",
                "INSERT INTO pg_temp.uniq VALUES ('Zq7'), ('Zq7')",
                "INSERT INTO pg_temp.checked VALUES ('Zq7')");
        try (Connection c = TestPostgres.get().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE pg_temp.mood AS ENUM ('ok')");
            s.execute("CREATE TYPE pg_temp.pair AS (a int, b int)");
            s.execute("CREATE TABLE pg_temp.uniq (v text PRIMARY KEY)");
            s.execute("CREATE TABLE pg_temp.checked (v text CHECK (v = 'ok'))");
            for (String sql : failing) {
                try {
                    s.execute(sql);
                    fail("did not fail: " + sql);
                } catch (SQLException e) {
                    String state = e.getSQLState();
                    assertTrue(state.startsWith("22") || state.startsWith("23"), state + " " + e.getMessage());
                    String reason = SqlErrors.withoutValues(SqlErrors.message(e));
                    assertFalse(reason.toLowerCase().contains("zq7") || reason.toLowerCase().contains("zqseven") || reason.contains("99999999999") || reason.contains("1e999")
                            || reason.contains("0xc3"), sql + " -> " + reason);
                    assertFalse(reason.isBlank(), sql);
                }
            }
        }
    }
}
