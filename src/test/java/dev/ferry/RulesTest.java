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
import dev.ferry.sync.Rules;
import org.junit.jupiter.api.Test;

/** Data rules: parsing, and that PostgreSQL computes the same HMAC-SHA256 as the JDK. */
class RulesTest {

    @Test
    void should_parse_rules_and_refuse_unknown_ones_with_the_reason() {
        Map<String, Rules.Rule> rules = Rules.parse("email: email; card: mask(last 4); age: randomInt(18, 90); "
                + "city: sql(upper(city) || ';'); note: null");
        assertEquals("mask", rules.get("card").kind());
        assertEquals("upper(city) || ';'", rules.get("city").argument());
        assertEquals(5, rules.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rules.parse("email: scramble"));
        assertTrue(e.getMessage().contains("rule 'scramble' for column email is not one of"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rules.parse("age: randomInt(90, 18)"));
        assertThrows(IllegalArgumentException.class, () -> Rules.parse("card: mask(middle 4)"));
    }

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
}
