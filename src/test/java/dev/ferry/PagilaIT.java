package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.ferry.support.SqlResource;
import dev.ferry.support.Cli;
import dev.ferry.support.Pagila;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A larger public sample schema, Pagila (from the Debian package pgmodeler, exported at test time: see {@link Pagila}),
 * with data generated here: an enum (mpaa_rating), a domain (year), an array (film.special_features), a tsvector kept
 * by a trigger (film.fulltext), a foreign-key cycle through NOT NULL, non-deferrable keys (store.manager_staff_id and
 * staff.store_id), user triggers on 14 tables, and payment split over six inheritance children by INSTEAD rules.
 * Ferry adds the two acceptance features the sample lacks: a stored generated column and a declaratively partitioned
 * table. The development database already holds other rows; {@code ferry scaffold} then {@code ferry sync} must make
 * every table equal to the source and leave every sequence past its column's values, twice (the second time after
 * the source deleted rows the target's children still reference, updated and inserted).
 */
class PagilaIT {

    /** Ferry's additions to the sample, in both databases: the acceptance features Pagila does not have. */
    private static final String FERRY_ADDITIONS = SqlResource.load("pagila/ferry-additions.sql");

    /** Every table a route is scaffolded for: Pagila's 15, payment's six inheritance children, and rental_log. */
    private static final List<String> TABLES = List.of("actor", "address", "category", "city", "country", "customer",
            "film", "film_actor", "film_category", "inventory", "language", "payment", "payment_p2007_01",
            "payment_p2007_02", "payment_p2007_03", "payment_p2007_04", "payment_p2007_05", "payment_p2007_06",
            "rental", "rental_log", "staff", "store");
    /** Inheritance parents: a plain SELECT from them includes their children's rows, compared separately. */
    private static final Set<String> INHERITANCE_PARENTS = Set.of("payment");
    /** Partitions: not routes of their own, but each must hold the same rows on both sides. */
    private static final List<String> PARTITIONS = List.of("rental_log_2007h1", "rental_log_2007h2");

    /** Production: a few hundred to a few thousand rows per table, every foreign key satisfied. */
    private static final String SOURCE_DATA = SqlResource.load("pagila/source-data.sql");

    /** Production, after the store/staff cycle: customers, stock, rentals, payments, rental log. */
    private static final String SOURCE_DATA_AFTER_CYCLE = SqlResource.load("pagila/source-data-after-cycle.sql");

    /** Development: a handful of other rows in every table, its own store/staff cycle among them. */
    private static final String TARGET_DATA = SqlResource.load("pagila/target-data.sql");

    private static final String TARGET_DATA_AFTER_CYCLE = SqlResource.load("pagila/target-data-after-cycle.sql");

    /** The second run's source: deletes that orphan the target's children, updates, inserts. */
    private static final String SOURCE_CHANGES = SqlResource.load("pagila/source-changes.sql");

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;

    @BeforeEach
    void databases() throws Exception {
        String schema = Pagila.schemaSql();
        source = pg.createDatabase("pagila_src");
        target = pg.createDatabase("pagila_dst");
        cli = new Cli(pg, source, target);
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute(schema);
            s.execute(FERRY_ADDITIONS);
            s.execute(SOURCE_DATA);
            // three stores managed by staff 1..3, six staff working in them
            withCycleDropped(s, SqlResource.load("pagila/source-stores.sql"));
            s.execute(SOURCE_DATA_AFTER_CYCLE);
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute(schema);
            s.execute(FERRY_ADDITIONS);
            s.execute(TARGET_DATA);
            withCycleDropped(s, SqlResource.load("pagila/target-stores.sql"));
            s.execute(TARGET_DATA_AFTER_CYCLE);
        }
    }

    /** Runs {@code sql} with store's key to staff dropped, then adds it back as it was (validated). */
    private static void withCycleDropped(Statement s, String sql) throws SQLException {
        String definition;
        try (ResultSet rs = s.executeQuery("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                + "WHERE conname = 'store_manager_staff_id_fkey' AND conrelid = 'store'::regclass")) {
            rs.next();
            definition = rs.getString(1);
        }
        s.execute("ALTER TABLE store DROP CONSTRAINT store_manager_staff_id_fkey");
        s.execute(sql);
        s.execute("ALTER TABLE store ADD CONSTRAINT store_manager_staff_id_fkey " + definition);
    }

    @AfterEach
    void drop() throws Exception {
        for (String db : new String[] {source, target}) {
            if (db != null) {
                pg.dropDatabase(db);
            }
        }
    }

    @Test
    void should_sync_pagila_with_inheritance_cycle_triggers_partitions_twice() throws Exception {
        // the source is what the test meant it to be
        assertEquals("6", query(source, "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = 'payment'::regclass AND NOT c.relispartition"));
        assertEquals("t", query(source, "SELECT (SELECT count(*) FROM ONLY payment) > 0 "
                + "AND (SELECT count(*) FROM payment_p2007_06) > 0"));
        assertEquals("0", query(source, "SELECT count(*) FROM film WHERE fulltext = ''::tsvector"), "the trigger filled it");
        for (String table : TABLES) {
            assertTrue(Long.parseLong(query(source, "SELECT count(*) FROM " + relation(table))) > 0, table + " has rows");
        }

        Path routes = Files.createTempDirectory("ferry-pagila");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString()), cli.output());
        Set<String> files;
        try (var list = Files.list(routes)) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(TABLES.stream().map(t -> t + ".yaml").collect(Collectors.toCollection(TreeSet::new)), files,
                "one route per table: inheritance children are tables, partitions go through their parent");
        assertTrue(Files.readString(routes.resolve("store.yaml")).contains("store_manager_staff_id_fkey"));
        assertTrue(Files.readString(routes.resolve("film_actor.yaml")).contains("value: \"actor_id, film_id\""));

        for (int run = 1; run <= 2; run++) {
            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
            assertEverythingEqual("after run " + run);
            if (run == 1) {
                try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
                    s.execute(SOURCE_CHANGES);
                }
            }
        }
    }

    private void assertEverythingEqual(String when) throws Exception {
        List<String> differing = new ArrayList<>();
        List<String> all = new ArrayList<>(TABLES);
        all.addAll(PARTITIONS);
        for (String table : all) {
            String expected = Cli.digest(pg, source, relation(table));
            String actual = Cli.digest(pg, target, relation(table));
            if (!expected.equals(actual)) {
                differing.add(relation(table) + ": source " + expected + ", target " + actual);
            }
        }
        assertEquals(List.of(), differing, "tables that differ " + when);

        // every sequence feeding a column (a nextval default or an identity) is past the column's largest value
        List<String> behind = new ArrayList<>();
        int checked = 0;
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            List<String[]> fed = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("""
                    SELECT c.oid::regclass::text, quote_ident(a.attname), seq.oid::regclass::text
                    FROM pg_attrdef d
                    JOIN pg_class c ON c.oid = d.adrelid
                    JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                    JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
                                      AND dep.refclassid = 'pg_class'::regclass
                    JOIN pg_class seq ON seq.oid = dep.refobjid AND seq.relkind = 'S'
                    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                    UNION
                    SELECT c.oid::regclass::text, quote_ident(a.attname),
                           pg_get_serial_sequence(c.oid::regclass::text, a.attname)
                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND a.attidentity <> ''
                    ORDER BY 1, 2
                    """)) {
                while (rs.next()) {
                    fed.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] f : fed) {
                try (ResultSet rs = s.executeQuery("SELECT nextval('" + f[2] + "'), (SELECT max(" + f[1] + ") FROM "
                        + f[0] + ")")) {
                    rs.next();
                    long next = rs.getLong(1);
                    long max = rs.getLong(2);
                    checked++;
                    if (next <= max) {
                        behind.add(f[0] + "." + f[1] + ": nextval('" + f[2] + "') = " + next + ", max = " + max);
                    }
                }
            }
        }
        assertTrue(checked >= 20, "sequence-fed columns found: " + checked);
        assertEquals(List.of(), behind, "sequences not past their column's values " + when);

        // the target's foreign keys, triggers and rules are all back
        String constraints = "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace";
        assertEquals(query(source, constraints), query(target, constraints + " AND convalidated"), "foreign keys " + when);
        String triggers = "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                + "WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace";
        assertEquals(query(source, triggers), query(target, triggers + " AND t.tgenabled = 'O'"), "enabled triggers " + when);
        assertEquals("6", query(target, "SELECT count(*) FROM pg_rules WHERE tablename = 'payment'"), "rules " + when);
    }

    /** What to read of a table: only its own rows for an inheritance parent. */
    private static String relation(String table) {
        return INHERITANCE_PARENTS.contains(table) ? "ONLY " + table : table;
    }

    private String query(String db, String sql) throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
