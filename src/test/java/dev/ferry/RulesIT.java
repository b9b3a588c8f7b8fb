package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.ferry.support.TestPostgres;
import dev.ferry.rules.Rules;
import org.junit.jupiter.api.Test;

/** Data rules: parsing, and that PostgreSQL computes the same HMAC-SHA256 as the JDK. */
class RulesIT {

    @Test
    void should_compute_hmac_sha256_in_postgresql_as_the_jdk_does() throws Exception {
        String secret = "a secret that is longer than sixty-four bytes, to take the hashed-key path of HMAC......";
        for (String key : new String[] {"short", secret}) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal("Alice@Example.com ünï".getBytes(StandardCharsets.UTF_8)));
            String sql = "SELECT " + Rules.expression(new Rules.Rule("hash", null), "s", "v", key)
                    + ", " + Rules.expression(new Rules.Rule("email", null), "s", "v", key)
                    + " FROM (SELECT 'Alice@Example.com ünï'::text AS v) s";
            TestPostgres pg = TestPostgres.get();
            String db = pg.createDatabase("rules_hmac");
            try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                assertEquals(expected, rs.getString(1));
                assertTrue(rs.getString(2).matches("user_[0-9a-f]{16}@example\\.invalid"), rs.getString(2));
            } finally {
                pg.dropDatabase(db);
            }
        }
    }

    @Test
    void should_never_give_back_the_input_for_names_and_small_ranges() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String db = pg.createDatabase("rules_self");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            for (String kind : new String[] {"firstName", "lastName", "name"}) {
                String rule = Rules.expression(Rules.parse("v: " + kind).get("v"), "s", "v", "secret");
                // every value the rule can give (drawn from 5,000 inputs), each as an input in three spellings
                s.execute("CREATE TEMP TABLE drawn AS SELECT DISTINCT " + rule + " AS v FROM (SELECT 'person ' || g AS v "
                        + "FROM generate_series(1, 5000) g) s");
                try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE lower(" + rule + ") = lower(trim(s.v))) "
                        + "FROM (SELECT v FROM drawn UNION ALL SELECT upper(v) FROM drawn UNION ALL SELECT ' ' || v FROM drawn) s")) {
                    rs.next();
                    assertTrue(rs.getLong(1) >= 3 * 26, kind + ": " + rs.getLong(1) + " inputs");
                    assertEquals(0, rs.getLong(2), kind + " gave back its input");
                }
                s.execute("DROP TABLE drawn");
            }
            String range = Rules.expression(Rules.parse("v: randomInt(1, 3)").get("v"), "s", "v", "secret");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE " + range + " = s.v), count(DISTINCT " + range
                    + "), min(" + range + "::int), max(" + range + "::int) FROM (SELECT (1 + g % 3)::text AS v "
                    + "FROM generate_series(1, 3000) g) s")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "randomInt gave back its input");
                assertEquals(3, rs.getLong(2));
                assertEquals(1, rs.getInt(3));
                assertEquals(3, rs.getInt(4));
            }
            String nulls = Rules.expression(Rules.parse("v: name").get("v"), "s", "v", "secret");
            try (ResultSet rs = s.executeQuery("SELECT " + nulls + " FROM (SELECT NULL::text AS v) s")) {
                rs.next();
                assertEquals(null, rs.getString(1), "NULL stays NULL");
            }
        } finally {
            pg.dropDatabase(db);
        }
    }
}
