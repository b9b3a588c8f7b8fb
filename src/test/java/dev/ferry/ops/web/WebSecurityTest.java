package dev.ferry.ops.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** HTTP Basic and the same-origin rule of the status page, without a server. */
class WebSecurityTest {

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basic_auth_accepts_only_the_configured_user_and_password() {
        BasicAuth auth = new BasicAuth("ops", "pa:ss word");
        assertTrue(auth.configured());
        assertEquals("ops", auth.check(basic("ops:pa:ss word")), "a password may hold a colon");
        assertEquals("ops", auth.check("basic " + basic("ops:pa:ss word").substring(6)), "the scheme in any case");
        assertNull(auth.check(basic("ops:pa:ss wor")));
        assertNull(auth.check(basic("ops:")));
        assertNull(auth.check(basic("Ops:pa:ss word")));
        assertNull(auth.check(basic("opspa:ss word")));
        assertNull(auth.check("Bearer abc"));
        assertNull(auth.check("Basic not-base64!"));
        assertNull(auth.check(null));
    }

    @Test
    void basic_auth_without_a_user_or_password_accepts_nothing() {
        for (BasicAuth off : new BasicAuth[] {new BasicAuth(null, null), new BasicAuth("ops", ""), new BasicAuth(" ", "x")}) {
            assertFalse(off.configured());
            assertNull(off.check(basic("ops:")));
            assertNull(off.check(basic(":")));
        }
    }

    @Test
    void no_answer_carries_a_connection_string() {
        assertEquals("{\"error\":\"cannot connect to (connection string removed) refused\",\"n\":1}",
                Http.Response.error(503, "cannot connect to jdbc:postgresql://db:5432/app?password=x&user=u refused", "n", 1)
                        .body());
        assertEquals("{\"e\":\"at (connection string removed)\"}", Http.withoutUrls("{\"e\":\"at postgres://u:p@h/db\"}"));
        assertEquals("{\"title\":\"Postgres is great\"}", Http.withoutUrls("{\"title\":\"Postgres is great\"}"));
    }

    @Test
    void same_origin_is_the_host_the_request_was_sent_to_whatever_the_scheme() {
        assertTrue(WebConsole.sameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(WebConsole.sameOrigin("https://ferry.example", "ferry.example"));
        assertTrue(WebConsole.sameOrigin("https://ferry.example", "ferry.example:443"));
        assertTrue(WebConsole.sameOrigin("HTTP://Ferry.Example:9400", "ferry.example:9400"));
        assertFalse(WebConsole.sameOrigin("http://127.0.0.1:8081", "127.0.0.1:8080"));
        assertFalse(WebConsole.sameOrigin("https://evil.example", "ferry.example"));
        assertFalse(WebConsole.sameOrigin("https://ferry.example.evil.example", "ferry.example"));
        assertFalse(WebConsole.sameOrigin("null", "ferry.example"));
        assertFalse(WebConsole.sameOrigin("http://127.0.0.1:8080", null));
        assertFalse(WebConsole.sameOrigin("not a url", "ferry.example"));
    }
}
