package dev.ferry.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.log.Redactor;
import dev.ferry.plan.RouteFileCheck;
import dev.ferry.plan.TableTemplate;
import dev.ferry.state.Progress;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;

/** Ferry's Camel Main: configuration from config/application.properties, routes from YAML, the beans. */
public final class FerryApp implements AutoCloseable {

    private final Main main;
    private final Path home;

    private final Path tables;
    /** The table routes Ferry read from their files and handed to Camel itself. */
    private final List<RouteFileCheck.TableRoute> tableRoutes;
    /** The table route files Camel loaded itself (any file but plain templated routes of table-sync). */
    private final List<Path> camelTableFiles;

    /**
     * {@code -Dferry.timing=true} (bench/routes): one {@code ferry-timing:} line on stderr for the start (camel-start:
     * the table route files read, Camel started with every route made and started; route-files: the reading
     * alone), the route-file check and Camel's stop.
     */
    private static final boolean TIMING = Boolean.getBoolean("ferry.timing");

    /**
     * The property that says Ferry runs as the service ({@code ferry serve}: true, set by {@link #start}): what only
     * the service can show (JVM and per-route meters on /metrics) is set up only then.
     */
    public static final String SERVICE = "ferry.service";

    private FerryApp(Main main, Path home, Path tables, List<RouteFileCheck.TableRoute> tableRoutes, List<Path> camelTableFiles) {
        this.main = main;
        this.home = home;
        this.tables = tables;
        this.tableRoutes = tableRoutes;
        this.camelTableFiles = camelTableFiles;
    }

    /** The folder holding config/ and routes/: -Dferry.home (set by the launcher), else the working directory. */
    public static Path home() {
        return Path.of(System.getProperty("ferry.home", ".")).toAbsolutePath().normalize();
    }

    /** The demo's table routes (the book catalogue), apart from routes/tables, which holds the user's own. */
    public static Path demoTables() {
        return home().resolve("routes/demo");
    }

    /**
     * Starts Camel with the table routes of {@code tablesDir} (null: routes/tables) and these property
     * overrides (e.g. connection URLs for the demo).
     */
    public static FerryApp start(Path tablesDir, Map<String, String> overrides) throws Exception {
        return start(tablesDir, overrides, false, Map.of());
    }

    /**
     * Starts Camel as {@link #start(Path, Map)}; {@code service} adds the service's routes
     * (routes/serve: schedule, HTTP) and its HTTP server, and {@code beans} are bound before the routes start.
     */
    public static FerryApp start(Path tablesDir, Map<String, String> overrides, boolean service, Map<String, Object> beans)
            throws Exception {
        // secrets are masked in every log line from the first one: Camel logs resolved properties at DEBUG
        Redactor.registerSecrets(System.getenv());
        Redactor.registerSecrets(overrides);
        Path home = home();
        Path config = home.resolve("config/application.properties");
        if (!Files.isRegularFile(config)) {
            throw new IllegalStateException("configuration not found: " + config
                    + " (run Ferry from its folder or through ./ferry)");
        }
        Path tables = tablesDir != null ? tablesDir.toAbsolutePath().normalize() : home.resolve("routes/tables");
        long[] began = mark();
        // a table route loads as *.yaml or *.camel.yaml; a tables folder that does not exist loads no table
        // route (sync and verify then say how to make one). Ferry reads each file once: the plain templated
        // routes of table-sync (what scaffold writes) it hands to Camel itself, after Camel has loaded the
        // template and its own routes; any other file Camel loads as it is
        List<RouteFileCheck.TableRoute> tableRoutes = new ArrayList<>();
        List<Path> camelTableFiles = new ArrayList<>();
        for (Path file : tableFiles(tables)) {
            List<RouteFileCheck.TableRoute> plain = RouteFileCheck.read(file);
            if (plain != null) {
                tableRoutes.addAll(plain);
            } else {
                camelTableFiles.add(file);
            }
        }
        timing("route-files", began, tableRoutes.size() + " read, " + camelTableFiles.size() + " left to Camel");
        // configuration class and routes come from the properties (a main class would add the configuration twice)
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + config);
        Map<String, String> props = new LinkedHashMap<>();
        // templates first: they must be loaded before the templated routes that use them
        // Ferry's own route files are *.camel.yaml
        StringBuilder include = new StringBuilder("file:" + home.resolve("routes/templates") + "/*.camel.yaml,file:"
                + home.resolve("routes") + "/*.camel.yaml");
        camelTableFiles.forEach(f -> include.append(",file:").append(f));
        if (service) {
            include.append(",file:").append(home.resolve("routes/serve")).append("/*.camel.yaml");
        }
        props.put("camel.main.routes-include-pattern", include.toString());
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void afterConfigure(org.apache.camel.main.BaseMainSupport configured) {
                addTableRoutes(configured.getCamelContext(), tableRoutes);
            }
        });
        if (service) {
            props.put(SERVICE, "true");
            props.put("camel.server.enabled", "true");
            props.put("camel.server.host", "{{ferry.http.host}}");
            props.put("camel.server.port", "{{ferry.http.port}}");
        }
        props.putAll(overrides);
        props.forEach(main::addOverrideProperty);
        beans.forEach(main::bind);
        try {
            main.start();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                String m = String.valueOf(t.getMessage());
                int at = m.indexOf("Multiple consumers for the same endpoint is not allowed: direct://");
                if (at >= 0) { // two route files for one table: say so, not Camel's words
                    try {
                        main.stop();
                    } catch (RuntimeException stopping) {
                        e.addSuppressed(stopping);
                    }
                    throw new IllegalArgumentException("two route files in " + tables + " sync the same table (endpoint "
                            + m.substring(at + "Multiple consumers for the same endpoint is not allowed: direct://".length())
                            + "): keep one of them"); // no cause: messages show the deepest cause's words
                }
            }
            throw e;
        }
        timing("camel-start", began, main.getCamelContext().getRoutesSize() + " routes");
        return new FerryApp(main, home, tables, tableRoutes, camelTableFiles);
    }

    /**
     * The table route files of {@code tables}, {@code *.yaml} (so {@code *.camel.yaml} too), by name. Camel picks
     * a route file's loader by everything after the first dot of its name: {@code public.book.yaml} would stop
     * Ferry with "Cannot find RoutesBuilderLoader ... extension: book.yaml". Such a name is refused in one line
     * that says what to rename it to.
     */
    private static List<Path> tableFiles(Path tables) throws IOException {
        if (!Files.isDirectory(tables)) {
            return List.of();
        }
        List<Path> yaml = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(tables)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".yaml")) {
                    continue;
                }
                String stem = name.substring(0, name.length() - ".yaml".length());
                if (stem.endsWith(".camel")) {
                    stem = stem.substring(0, stem.length() - ".camel".length());
                }
                if (stem.contains(".")) {
                    throw new IllegalArgumentException(f + ": a route file's name may have no dot but the one before "
                            + "yaml (Camel picks its loader by everything after the first dot): rename it "
                            + stem.replace('.', '-') + ".yaml");
                }
                yaml.add(f);
            }
        }
        return yaml;
    }

    /** Makes Camel's templated routes of {@code routes}, as its YAML DSL makes those of a route file. */
    private static void addTableRoutes(CamelContext camel, List<RouteFileCheck.TableRoute> routes) {
        List<TemplatedRouteDefinition> templated = new ArrayList<>();
        for (RouteFileCheck.TableRoute route : routes) {
            TemplatedRouteDefinition t = new TemplatedRouteDefinition();
            t.setCamelContext(camel);
            t.setRouteTemplateRef("table-sync");
            t.setRouteId(route.routeId());
            route.parameters().forEach(t::parameter);
            templated.add(t);
        }
        try {
            camel.getCamelContextExtension().getContextPlugin(Model.class).addRouteFromTemplatedRoutes(templated);
        } catch (Exception e) {
            throw org.apache.camel.RuntimeCamelException.wrapRuntimeCamelException(e);
        }
    }

    /**
     * Every table route file names only the parameters the table-sync template declares, with values of
     * the types it declares, before any connection opens.
     */
    public void checkTableRoutes() throws RouteFileCheck.BadRouteFile, IOException {
        CamelContext camel = camel();
        RouteTemplateDefinition template = camel.getCamelContextExtension().getContextPlugin(Model.class)
                .getRouteTemplateDefinition("table-sync");
        if (template == null) {
            throw new IllegalStateException("the table-sync template is missing from routes/templates");
        }
        long[] began = mark();
        RouteFileCheck.check(tableRoutes, camelTableFiles, TableTemplate.of(home), camel::resolvePropertyPlaceholders);
        timing("route-check", began, "");
    }

    /** With {@code -Dferry.timing}: now, as {wall, process CPU} nanoseconds, for {@link #timing}; else nothing. */
    private static long[] mark() {
        return TIMING ? new long[] {System.nanoTime(), ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()} : null;
    }

    /** With {@code -Dferry.timing}: the wall and process CPU time since {@code began}, one line on stderr. */
    private static void timing(String what, long[] began, String detail) {
        if (TIMING) {
            long[] now = mark();
            System.err.printf(java.util.Locale.ROOT, "ferry-timing: %s %.1f ms wall %.1f ms cpu %s%n", what,
                    (now[0] - began[0]) / 1e6, (now[1] - began[1]) / 1e6, detail);
        }
    }

    /**
     * A setting as it will be once Ferry starts, read before it starts (for checks that must come first,
     * such as a taken port): a system property of that name, else config/application.properties with its
     * {@code {{env:NAME:default}}} placeholder resolved from the environment; empty when not set.
     */
    public static String configured(String key) throws IOException {
        String override = System.getProperty(key);
        if (override != null) {
            return override.trim();
        }
        java.util.Properties props = new java.util.Properties();
        try (var in = Files.newBufferedReader(home().resolve("config/application.properties"))) {
            props.load(in);
        }
        String raw = props.getProperty(key, "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{env:([A-Za-z0-9_]+)(?::([^}]*))?}}").matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String env = System.getenv(m.group(1));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    env != null ? env : m.group(2) != null ? m.group(2) : ""));
        }
        m.appendTail(out);
        return out.toString().trim();
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public Path folder() {
        return home;
    }

    /** The folder the table routes were read from. */
    public Path tables() {
        return tables;
    }

    /** The folder the table routes were read from, as the user would type it (relative to the working directory when inside it). */
    public String tablesShown() {
        Path cwd = Path.of("").toAbsolutePath();
        return tables.startsWith(cwd) && !tables.equals(cwd) ? cwd.relativize(tables).toString() : tables.toString();
    }

    /** A registry bean. */
    public <T> T bean(String name, Class<T> type) {
        T bean = camel().getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("bean " + name + " is missing from the registry");
        }
        return bean;
    }

    /** A configuration property, placeholders resolved. */
    public String property(String key) {
        return camel().getPropertiesComponent().resolveProperty(key).orElse("");
    }

    public HikariDataSource source() {
        return bean("source", HikariDataSource.class);
    }

    public HikariDataSource target() {
        return bean("target", HikariDataSource.class);
    }

    /** Stops Camel (the in-flight exchange first) and closes both pools. */
    @Override
    public void close() {
        CamelContext camel = main.getCamelContext();
        HikariDataSource source = camel == null ? null : camel.getRegistry().lookupByNameAndType("source", HikariDataSource.class);
        HikariDataSource target = camel == null ? null : camel.getRegistry().lookupByNameAndType("target", HikariDataSource.class);
        long[] began = mark();
        try {
            main.stop();
            timing("camel-stop", began, "");
        } finally {
            if (source != null) {
                source.close();
            }
            if (target != null) {
                target.close();
            }
        }
    }
}
