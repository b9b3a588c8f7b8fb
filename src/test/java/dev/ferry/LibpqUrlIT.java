package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** postgres:// URLs, as psql, pgsync and hosting platforms hand them out, work for both databases. */
class LibpqUrlIT {

    @Test
    void should_sync_with_postgres_urls_carrying_their_credentials() throws Exception {
        try (SyncFixture f = new SyncFixture("libpqurl", 500)) {
            String host = f.pg.url(f.production).replaceFirst("^jdbc:postgresql://([^/]+)/.*$", "$1");
            String credentials = URLEncoder.encode(f.pg.user(), StandardCharsets.UTF_8)
                    + (f.pg.password().isEmpty() ? "" : ":" + URLEncoder.encode(f.pg.password(), StandardCharsets.UTF_8));
            var outcome = f.sync(o -> {
                o.overrides.put("ferry.source.url", "postgres://" + credentials + "@" + host + "/" + f.production);
                o.overrides.put("ferry.target.url", "postgresql://" + credentials + "@" + host + "/" + f.development);
                o.overrides.put("ferry.source.user", "nobody_by_this_name");
                o.overrides.put("ferry.target.user", "nobody_by_this_name");
            });
            assertEquals(0, outcome.exitCode(), f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }
}
