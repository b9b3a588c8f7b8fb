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
class SecretsTest {

    private static final String HARD = "Pw,;&'\"x-tail9";

    @Test
    void should_mask_passwords_with_commas_semicolons_ampersands_and_quotes_in_urls() {
        assertEquals("jdbc:postgresql://db/x?user=u&password=***&ssl=true",
                Redactor.redact("jdbc:postgresql://db/x?user=u&password=Cm,Pw-1;2'3\"4&ssl=true"));
        assertEquals("jdbc:postgresql://db/x?password=***", Redactor.redact("jdbc:postgresql://db/x?password=Cm,Pw-secret"));
        assertEquals("see jdbc:postgresql://db/x?password=*** now",
                Redactor.redact("see jdbc:postgresql://db/x?password=Cm,Pw;'q\" now"));
        assertEquals("postgresql://u:***@db:5432/x", Redactor.redact("postgresql://u:a,b;c&d'e\"f@db:5432/x"));
    }

    @Test
    void should_mask_passwords_with_commas_semicolons_ampersands_and_quotes_in_key_value_text() {
        assertEquals("password=*** next", Redactor.redact("password=" + HARD + " next"));
        assertEquals("secret: *** next", Redactor.redact("secret: " + HARD + " next"));
        assertEquals("Password=*** User=x", Redactor.redact("Password=a;b,c&d User=x"));
        assertEquals("password=*** rest", Redactor.redact("password=\"a b,\\\"c;&\" rest"));
        assertEquals("password=*** rest", Redactor.redact("password='a b,''c;&' rest"));
        assertEquals("{\"password\":***}", Redactor.redact("{\"password\":\"a,b;c&d'e\"}"));
        assertEquals("api_key=*** token: ***", Redactor.redact("api_key=abc123 token: xyz789"));
        assertEquals("nothing secret here, a=b; c&d", Redactor.redact("nothing secret here, a=b; c&d"));
    }

    @Test
    void should_mask_configured_secrets_verbatim_anywhere() {
        String secret = "Zx,;&'\"q-" + System.nanoTime();
        Redactor.registerSecrets(Map.of("FERRY_RULES_SECRET", secret, "PWD", "/work/wt/apply",
                "FERRY_TARGET_URL", "jdbc:postgresql://db/x?password=Ur%2C%3Bl-" + secret.length()));
        assertEquals("-> ***", Redactor.redact("-> " + secret));
        assertEquals("[***]", Redactor.redact("[" + secret + "]"));
        assertEquals("key ***", Redactor.redact("key Ur,;l-" + secret.length()), "the URL's password, decoded");
        assertEquals("/work/wt/apply", Redactor.redact("/work/wt/apply"), "only Ferry's secret settings are secrets");
    }

    @Test
    void should_strip_quoted_values_from_reasons_without_losing_names() {
        assertEquals("ERROR: invalid input value for enum \"Mood\": (value removed)",
                SqlErrors.withoutValues("ERROR: invalid input value for enum \"Mood\": \"ecstatic\""));
        assertEquals("ERROR: duplicate key value violates unique constraint \"book_pkey\"",
                SqlErrors.withoutValues("ERROR: duplicate key value violates unique constraint \"book_pkey\"\n"
                        + "  Detail: Key (id)=(42) already exists."));
        assertEquals("Key (email)=(values removed)", SqlErrors.withoutValues("Key (email)=(a@b.c) already exists."));
        assertEquals("ERROR: value (value removed) is out of range for type integer",
                SqlErrors.withoutValues("ERROR: value \"99999999999\" is out of range for type integer"));
        assertEquals("ERROR: invalid byte sequence for encoding \"UTF8\": (bytes removed)",
                SqlErrors.withoutValues("ERROR: invalid byte sequence for encoding \"UTF8\": 0xc3 0x28"));
    }

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
