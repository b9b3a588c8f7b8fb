package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** libpq URLs read as pgjdbc URLs plus credentials; pgjdbc URLs left as they are. */
class ConnectionUrlTest {

    @Test
    void should_read_a_libpq_url_with_credentials_port_and_parameters() {
        ConnectionUrl u = ConnectionUrl.of("postgres://app_ro:p%40ss%2Cw%3Ard@db.internal:6432/app?sslmode=require");
        assertEquals("jdbc:postgresql://db.internal:6432/app?sslmode=require", u.jdbcUrl());
        assertEquals("app_ro", u.user());
        assertEquals("p@ss,w:rd", u.password());
    }

    @Test
    void should_read_postgresql_scheme_without_credentials_or_host() {
        ConnectionUrl u = ConnectionUrl.of("postgresql://db.internal/app");
        assertEquals("jdbc:postgresql://db.internal/app", u.jdbcUrl());
        assertNull(u.user());
        assertNull(u.password());
        assertEquals("jdbc:postgresql://localhost/app", ConnectionUrl.of("postgresql:///app").jdbcUrl());
        assertEquals("bob", ConnectionUrl.of("postgres://bob@h/app").user());
        assertNull(ConnectionUrl.of("postgres://bob@h/app").password());
    }

    @Test
    void should_leave_jdbc_urls_as_they_are() {
        ConnectionUrl u = ConnectionUrl.of(" jdbc:postgresql://h:5432/app?user=x ");
        assertEquals("jdbc:postgresql://h:5432/app?user=x", u.jdbcUrl());
        assertNull(u.user());
    }
}
