package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.support.TestPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDBC helper on a real connection: binding, mapping, and the caller's transaction left alone. */
class JdbcIT {

    private final TestPostgres pg = TestPostgres.get();
    private String db;
    private Connection c;

    @BeforeEach
    void database() throws SQLException {
        db = pg.createDatabase("jdbc");
        c = pg.connect(db);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id bigint PRIMARY KEY, name text, at timestamptz, n numeric, tags text[])");
        }
    }

    @AfterEach
    void drop() throws SQLException {
        c.close();
        pg.dropDatabase(db);
    }

    @Test
    void should_bind_values_and_nulls_and_map_rows() throws SQLException {
        Timestamp at = Timestamp.from(Instant.parse("2026-12-03T10:15:30Z"));
        assertEquals(1, Jdbc.update(c, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", 1L, "a", at, new BigDecimal("1.50"),
                c.createArrayOf("text", new Object[] {"x", "y,z"})));
        assertEquals(1, Jdbc.update(c, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", 2, null, null, null, null));
        assertEquals(List.of("1 a 1.50 {x,\"y,z\"}", "2 null null null"), Jdbc.list(c,
                "SELECT id, name, n, tags FROM t ORDER BY id", rs -> rs.getLong(1) + " " + rs.getString(2) + " "
                        + rs.getString(3) + " " + rs.getString(4)));
        assertEquals(Optional.of(at), Jdbc.one(c, "SELECT at FROM t WHERE name = ?", rs -> rs.getTimestamp(1), "a"));
        // a null parameter is typed as a string is, so that it may be compared and cast
        assertEquals(Optional.of(2L), Jdbc.one(c, "SELECT count(*) FROM t WHERE CAST(? AS text) IS NULL",
                rs -> rs.getLong(1), (Object) null));
    }

    @Test
    void should_give_nothing_for_no_row_and_for_a_null_mapped() throws SQLException {
        assertEquals(Optional.empty(), Jdbc.one(c, "SELECT name FROM t WHERE id = ?", rs -> rs.getString(1), 9L));
        Jdbc.update(c, "INSERT INTO t (id) VALUES (?)", 3L);
        assertEquals(Optional.empty(), Jdbc.one(c, "SELECT name FROM t WHERE id = ?", rs -> rs.getString(1), 3L));
        assertEquals(0, Jdbc.list(c, "SELECT 1 FROM t WHERE id = ?", rs -> 1, Jdbc.ifPresent(4L)).size());
        assertEquals(1, Jdbc.list(c, "SELECT 1 FROM t", rs -> 1, Jdbc.ifPresent(null)).size());
    }

    @Test
    void should_batch_items_and_do_nothing_for_none() throws SQLException {
        Jdbc.batch(c, "INSERT INTO t (id, name) VALUES (?, ?)", List.of("p", "q", "r"),
                s -> new Object[] {(long) s.charAt(0), s});
        Jdbc.batch(c, "INSERT INTO no_such_table VALUES (?)", List.<String>of(), s -> new Object[] {s});
        assertEquals(List.of("p", "q", "r"), Jdbc.list(c, "SELECT name FROM t ORDER BY id", rs -> rs.getString(1)));
    }

    @Test
    void should_run_in_the_callers_transaction_and_leave_it_open() throws SQLException {
        c.setAutoCommit(false);
        Jdbc.update(c, "INSERT INTO t (id, name) VALUES (?, ?)", 5L, "rolled back");
        assertFalse(c.getAutoCommit());
        assertEquals(1, Jdbc.list(c, "SELECT 1 FROM t", rs -> 1).size());
        c.rollback();
        assertEquals(0, Jdbc.list(c, "SELECT 1 FROM t", rs -> 1).size());
        c.setAutoCommit(true);
    }

    @Test
    void should_throw_the_drivers_exception_with_its_state() {
        SQLException e = assertThrows(SQLException.class,
                () -> Jdbc.update(c, "INSERT INTO t (id) VALUES (?), (?)", 6L, 6L));
        assertEquals("23505", e.getSQLState());
        assertTrue(e.getMessage().contains("duplicate key"), e.getMessage());
    }
}
