package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.ferry.cli.SyncJob;
import dev.ferry.log.Redactor;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** Credentials are masked in URLs and key-value text (no database). */
class RedactionTest {

    @Test
    void should_mask_credentials_in_urls_and_key_values() {
        assertEquals("jdbc:postgresql://u:***@db:5432/x", Redactor.redact("jdbc:postgresql://u:hunter22@db:5432/x"));
        assertEquals("jdbc:postgresql://db/x?user=u&password=***&ssl=true",
                Redactor.redact("jdbc:postgresql://db/x?user=u&password=hunter22&ssl=true"));
        assertEquals("api_key=*** token: ***", Redactor.redact("api_key=abc123 token: xyz789"));
        assertEquals("nothing secret here", Redactor.redact("nothing secret here"));
    }
}
