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

/** The redactor masks whole passwords whatever they contain; reasons keep no row value (no database). */
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
}
