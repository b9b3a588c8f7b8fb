package dev.ferry.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import dev.ferry.Ferry;

/** Runs Ferry's command line in process between two databases of the test server; keeps what it printed. */
public final class Cli {

    private final TestPostgres pg;
    private final String source;
    private final String target;
    private String output = "";
    private final Map<String, String> extra = new java.util.LinkedHashMap<>();

    /** Commands from {@code source} to {@code target}. */
    public Cli(TestPostgres pg, String source, String target) {
        this.pg = pg;
        this.source = source;
        this.target = target;
    }

    /** Sets a configuration property (as a system property) for every later command. */
    public Cli with(String property, String value) {
        extra.put(property, value);
        return this;
    }

    /** Runs {@code ferry args...}; returns the exit code. */
    public int run(String... args) {
        Map<String, String> props = new java.util.LinkedHashMap<>(extra);
        props.putAll(Map.of("ferry.source.url", pg.url(source), "ferry.source.user", pg.user(),
                "ferry.source.password", pg.password(), "ferry.target.url", pg.url(target), "ferry.target.user", pg.user(),
                "ferry.target.password", pg.password()));
        props.forEach(System::setProperty);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        PrintStream err = System.err;
        PrintStream out = System.out;
        System.setErr(both);
        System.setOut(both);
        try {
            return Ferry.execute(args);
        } finally {
            System.setErr(err);
            System.setOut(out);
            props.keySet().forEach(System::clearProperty);
            output = buffer.toString(StandardCharsets.UTF_8);
            err.print(output);
        }
    }

    /** What the last command printed (stdout and stderr). */
    public String output() {
        return output;
    }

    /** Row count and an md5 over every row's text, in text order: equal digests, equal tables. */
    public static String digest(TestPostgres pg, String db, String table) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
                     + table + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
