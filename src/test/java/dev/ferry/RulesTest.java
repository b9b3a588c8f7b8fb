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

/** Data rules: parsing and refusing unknown rules (no database). */
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
}
