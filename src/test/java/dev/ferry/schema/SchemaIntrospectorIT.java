package dev.ferry.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.support.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The catalogue read for many tables at once, on real PostgreSQL: odd names, keys, sequences, foreign keys. */
class SchemaIntrospectorIT {

    private final TestPostgres pg = TestPostgres.get();
    private final AtomicInteger connections = new AtomicInteger();
    private String db;
    private SchemaIntrospector catalogue;

    @BeforeEach
    void database() throws SQLException {
        db = pg.createDatabase("introspect");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE author (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, dropped int, "a,b" int);
                    ALTER TABLE author DROP COLUMN dropped;
                    CREATE SCHEMA "Other";
                    CREATE TABLE "Other"."my table" (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        author_id bigint REFERENCES author, "x,y" int, UNIQUE (author_id, "x,y"));
                    CREATE TABLE "a.b" (k int NOT NULL, v text, twice int GENERATED ALWAYS AS (k * 2) STORED);
                    CREATE UNIQUE INDEX ON "a.b" (lower(v));
                    CREATE TABLE part (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                    CREATE TABLE part_2026 PARTITION OF part FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                    CREATE TABLE self (id int PRIMARY KEY, parent int REFERENCES self, author_id bigint,
                        CONSTRAINT by_author FOREIGN KEY (author_id) REFERENCES author (id));
                    CREATE VIEW a_view AS SELECT 1 AS one;
                    """);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                connections.incrementAndGet();
                return super.getConnection();
            }
        };
        ds.setURL(pg.url(db));
        ds.setUser(pg.user());
        ds.setPassword(pg.password());
        catalogue = new SchemaIntrospector(ds);
    }

    @AfterEach
    void drop() throws SQLException {
        pg.dropDatabase(db);
    }

    private static Column col(String name, String type, boolean notNull) {
        return new Column(name, type, notNull, false, false);
    }

    @Test
    void should_read_every_table_named_on_one_connection_by_the_name_given() throws SQLException {
        List<String> names = List.of("self", "\"Other\".\"my table\"", "missing", "author", "\"a.b\"", "a_view", "part",
                "public.author");
        SchemaIntrospector.Catalogue read = catalogue.catalogue(names);
        assertEquals(1, connections.get(), "one connection for all of it");
        // in the order given; a missing name and a view left out
        assertEquals(List.of("self", "\"Other\".\"my table\"", "author", "\"a.b\"", "part", "public.author"),
                List.copyOf(read.tables().keySet()));

        TableInfo author = read.table("author").orElseThrow();
        assertEquals(new TableInfo("public", "author", List.of(col("id", "bigint", true), col("email", "text", true),
                col("a,b", "integer", false)), List.of("id"), List.of(new TableInfo.SequenceUse("id", "author_id_seq")),
                List.of(List.of("id"), List.of("email")), false), author);
        assertEquals(author, read.table("public.author").orElseThrow(), "one table named two ways");

        TableInfo mine = read.table("\"Other\".\"my table\"").orElseThrow();
        assertEquals(new TableInfo("Other", "my table", List.of(new Column("id", "integer", true, false, true),
                col("author_id", "bigint", false), col("x,y", "integer", false)), List.of("id"),
                List.of(new TableInfo.SequenceUse("id", "\"Other\".\"my table_id_seq\"")),
                List.of(List.of("id"), List.of("author_id", "x,y")), false), mine);

        TableInfo ab = read.table("\"a.b\"").orElseThrow();
        assertEquals(new TableInfo("public", "a.b", List.of(col("k", "integer", true), col("v", "text", false),
                new Column("twice", "integer", false, true, false)), List.of(), List.of(), List.of(), false), ab,
                "no key: an expression index is no unique key");

        TableInfo part = read.table("part").orElseThrow();
        assertTrue(part.partitioned());
        assertEquals(List.of("id", "at"), part.primaryKey());
        assertEquals(Optional.empty(), read.table("missing"));
        assertEquals(Optional.empty(), read.table("a_view"));

        assertEquals(List.of(new SchemaIntrospector.ForeignKey("by_author", List.of("author_id"), "public", "author",
                List.of("id")), new SchemaIntrospector.ForeignKey("self_parent_fkey", List.of("parent"), "public", "self",
                List.of("id"))), read.foreignKeysOf("self"));
        assertEquals(List.of(new SchemaIntrospector.ForeignKey("my table_author_id_fkey", List.of("author_id"), "public",
                "author", List.of("id"))), read.foreignKeysOf("\"Other\".\"my table\""));
        assertEquals(List.of(), read.foreignKeysOf("author"));
        assertEquals(List.of(), read.foreignKeysOf("missing"));
    }

    @Test
    void should_give_the_same_for_one_table_as_for_many() throws SQLException {
        Map<String, TableInfo> all = catalogue.tables(List.of("author", "self", "\"Other\".\"my table\""));
        for (Map.Entry<String, TableInfo> e : all.entrySet()) {
            assertEquals(Optional.of(e.getValue()), catalogue.table(e.getKey()));
        }
        assertEquals(catalogue.foreignKeys(List.of("self")).get("self"), catalogue.foreignKeys("self"));
        assertEquals(Optional.empty(), catalogue.table("nope"));
        assertEquals(List.of(), catalogue.foreignKeys("nope"));
        connections.set(0);
        assertEquals(Map.of(), catalogue.tables(List.of()));
        assertEquals(0, connections.get(), "nothing to read, no connection");
    }
}
