package dev.ferry.support;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.ferry.app.FerryApp;
import dev.ferry.cli.SyncJob;
import dev.ferry.demo.DemoData;

/**
 * A production and a development database with the book catalogue, made for one test and dropped
 * after it; runs Ferry's sync against them in process and keeps what it printed.
 */
public final class SyncFixture implements AutoCloseable {

    public final TestPostgres pg = TestPostgres.get();
    public final String production;
    public final String development;
    private String output = "";

    /** Creates both databases with the schema: production with 20 users and {@code books} books, development with alice and bob. */
    public SyncFixture(String label, int books) throws SQLException {
        production = pg.createDatabase(label + "_prod");
        String dev = null;
        try {
            dev = pg.createDatabase(label + "_dev");
            try (Connection p = pg.connect(production); Connection d = pg.connect(dev)) {
                DemoData.createSchema(p);
                DemoData.fillProduction(p, 20, books);
                DemoData.createSchema(d);
                DemoData.fillDevelopment(d);
            }
        } catch (SQLException | RuntimeException e) {
            // the test never gets the fixture to close: its databases go now
            pg.dropDatabase(production);
            if (dev != null) {
                pg.dropDatabase(dev);
            }
            throw e;
        }
        development = dev;
    }

    /** Options pointing at this fixture's databases and the demo's book route, confirmed, owner bob. */
    public SyncJob.Options options() {
        SyncJob.Options o = new SyncJob.Options();
        o.tablesDir = BookRoutes.DEMO;
        o.overrides.put("ferry.source.url", pg.url(production));
        o.overrides.put("ferry.source.user", pg.user());
        o.overrides.put("ferry.source.password", pg.password());
        o.overrides.put("ferry.target.url", pg.url(development));
        o.overrides.put("ferry.target.user", pg.user());
        o.overrides.put("ferry.target.password", pg.password());
        o.ownerEmail = "bob@dev.example";
        o.yes = true;
        return o;
    }

    /** Runs a sync with these options (no terminal); what it printed is kept in {@link #output()}. */
    public SyncJob.Outcome sync(Consumer<SyncJob.Options> adjust) {
        SyncJob.Options o = options();
        adjust.accept(o);
        return captured(job -> job.run(o));
    }

    /**
     * Runs a sync with these options on a Ferry the test started itself (its routes advised, say); what it
     * printed is kept in {@link #output()}.
     */
    public SyncJob.Outcome sync(FerryApp app, SyncJob.Options o) {
        return captured(job -> job.execute(app, o));
    }

    private SyncJob.Outcome captured(Function<SyncJob, SyncJob.Outcome> call) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        PrintStream original = System.err;
        System.setErr(err);
        try {
            return call.apply(new SyncJob(err, new BufferedReader(new StringReader("")), false));
        } finally {
            System.setErr(original);
            output = buffer.toString(StandardCharsets.UTF_8);
            original.print(output);
        }
    }

    /**
     * Runs a Ferry command line in process against this fixture's databases (sync, verify and serve read the
     * demo's book route unless given {@code --tables-dir}); output kept in {@link #output()}.
     */
    public int ferry(String... args) {
        Cli cli = new Cli(pg, production, development);
        int code = cli.run(BookRoutes.demo(args));
        output = cli.output();
        return code;
    }

    /** What the last sync printed on stderr (progress, summary, logs). */
    public String output() {
        return output;
    }

    /** Runs SQL on development and returns the first column of the first row as text. */
    public String dev(String sql) throws SQLException {
        return query(development, sql);
    }

    /** Runs SQL on production and returns the first column of the first row as text. */
    public String prod(String sql) throws SQLException {
        return query(production, sql);
    }

    /** Executes statements on development. */
    public void execDev(String... sql) throws SQLException {
        exec(development, sql);
    }

    /** Executes statements on production. */
    public void execProd(String... sql) throws SQLException {
        exec(production, sql);
    }

    private void exec(String db, String... sql) throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    private String query(String db, String sql) throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every row of development's book, in id order, as one md5 (to prove a run changed nothing). */
    public String devBookDigest() throws SQLException {
        return dev("SELECT count(*) || ':' || coalesce(md5(string_agg(b::text, '|' ORDER BY id)), '') FROM book b");
    }

    /** Count and checksum of book but owner_id in one database. */
    public String fingerprintButOwner(String db) throws SQLException {
        try (Connection c = pg.connect(db)) {
            return DemoData.fingerprintButOwner(c);
        }
    }

    /** A temporary file path for reports. */
    public static Path tempFile(String name) throws java.io.IOException {
        return java.nio.file.Files.createTempDirectory("ferry-test").resolve(name);
    }

    @Override
    public void close() throws SQLException {
        pg.dropDatabase(production);
        pg.dropDatabase(development);
    }
}
