package dev.ferry.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Pagila sample schema (no data) as SQL, made at test time from the Debian package pgmodeler, which ships it as
 * a pgModeler model ({@value #MODEL}); the schema is not part of this repository. The model is exported headlessly
 * with {@code pgmodeler-cli} into {@code target/pagila/}, then the export's known faults are fixed: the
 * {@code CREATE DATABASE} it starts with is dropped, the full-text trigger's arguments (exported as one quoted string)
 * are split, and objects are owned by the connecting user instead of {@code postgres}.
 */
public final class Pagila {

    /** Where the pgmodeler package puts the sample model. */
    public static final String MODEL = "/usr/share/pgmodeler/samples/pagila.dbm";
    private static final String INSTALL = "Pagila comes from the Debian package pgmodeler: apt-get install -y pgmodeler";

    private static String sql;

    private Pagila() {
    }

    /** The schema's SQL, exported once per JVM; fails naming the package to install when it is missing. */
    public static synchronized String schemaSql() throws IOException, InterruptedException {
        if (sql == null) {
            sql = fix(export());
        }
        return sql;
    }

    private static String export() throws IOException, InterruptedException {
        Path model = Path.of(MODEL);
        String cli = onPath("pgmodeler-cli");
        if ((!Files.isRegularFile(model) || cli == null) && "root".equals(System.getProperty("user.name"))) {
            install(); // the test command sets up what it needs, as the README promises
            cli = onPath("pgmodeler-cli");
        }
        if (!Files.isRegularFile(model) || cli == null) {
            throw new IllegalStateException((cli == null ? "pgmodeler-cli is not on the PATH" : MODEL + " is missing")
                    + ". " + INSTALL);
        }
        Path dir = Files.createDirectories(Path.of("target", "pagila").toAbsolutePath());
        Path out = dir.resolve("pagila-pgmodeler.sql");
        Path log = dir.resolve("pgmodeler-cli.log");
        Files.deleteIfExists(out);
        Path runtime = Files.createTempDirectory(dir, "xdg"); // 0700, as Qt wants its runtime directory
        ProcessBuilder pb = new ProcessBuilder(cli, "-ef", "-if", model.toString(), "-of", out.toString(), "-v", "15.0")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QT_QPA_PLATFORM", "offscreen");
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("pgmodeler-cli did not finish in 5 minutes; see " + log);
            }
        } finally {
            try (var files = Files.walk(runtime)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
            throw new IllegalStateException("pgmodeler-cli failed (exit " + p.exitValue() + ") exporting " + MODEL
                    + "; see " + log + ". " + INSTALL);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Installs Debian's pgmodeler (root only); a failure leaves the check above to say what to do. */
    private static void install() throws IOException, InterruptedException {
        Path log = Files.createDirectories(Path.of("target", "pagila").toAbsolutePath()).resolve("apt-get.log");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c",
                "apt-get update -q && apt-get install -y -q pgmodeler").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
    }

    /** The export, made loadable into an existing database; the result is kept beside it for reading. */
    static String fix(String exported) throws IOException {
        // the export starts with CREATE DATABASE pagila ...; the tests load it into a database of their own
        String s = exported.replaceFirst("(?s)\\nCREATE DATABASE pagila\\b[^;]*;", "\n-- (the export's database creation removed)");
        // tsvector_update_trigger('fulltext,pg_catalog.english,title,description'): one argument where the function
        // takes the column, the configuration and the source columns as separate arguments
        Matcher m = Pattern.compile("tsvector_update_trigger\\('([^']*,[^']*)'\\)").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String[] args = m.group(1).split(",");
            StringBuilder quoted = new StringBuilder();
            for (String arg : args) {
                quoted.append(quoted.length() == 0 ? "" : ",").append('\'').append(arg.trim()).append('\'');
            }
            m.appendReplacement(b, Matcher.quoteReplacement("tsvector_update_trigger(" + quoted + ")"));
        }
        m.appendTail(b);
        s = b.toString().replace("OWNER TO postgres;", "OWNER TO CURRENT_USER;");
        if (s.contains("\nCREATE DATABASE") || !s.contains("tsvector_update_trigger('fulltext','pg_catalog.english',")) {
            throw new IllegalStateException("the pgmodeler export of " + MODEL + " changed: see target/pagila/");
        }
        Files.writeString(Path.of("target", "pagila", "pagila.sql"), s, StandardCharsets.UTF_8);
        return s;
    }

    private static String onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, command);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
