package dev.ferry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.db.SnapshotDataSource;
import dev.ferry.log.Redactor;
import dev.ferry.sync.Progress;
import dev.ferry.sync.SyncRunner;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** Ferry's Camel Main: configuration from config/application.properties, routes from YAML, the beans. */
public final class FerryApp implements AutoCloseable {

    private final Main main;
    private final Path home;

    private FerryApp(Main main, Path home) {
        this.main = main;
        this.home = home;
    }

    /** The folder holding config/ and routes/: -Dferry.home (set by the launcher), else the working directory. */
    public static Path home() {
        return Path.of(System.getProperty("ferry.home", ".")).toAbsolutePath().normalize();
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
        // configuration class and routes come from the properties (a main class would add the configuration twice)
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + config);
        Map<String, String> props = new LinkedHashMap<>();
        // templates first: they must be loaded before the templated routes that use them
        props.put("camel.main.routes-include-pattern", "file:" + home.resolve("routes/templates") + "/*.yaml,file:"
                + home.resolve("routes") + "/*.yaml,file:" + tables + "/*.yaml"
                + (service ? ",file:" + home.resolve("routes/serve") + "/*.yaml" : ""));
        if (service) {
            props.put("camel.server.enabled", "true");
            props.put("camel.server.host", "{{ferry.http.host}}");
            props.put("camel.server.port", "{{ferry.http.port}}");
        }
        props.putAll(overrides);
        props.forEach(main::addOverrideProperty);
        beans.forEach(main::bind);
        main.start();
        return new FerryApp(main, home);
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public Path folder() {
        return home;
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

    /** The run entry over this app's routes and pools. */
    public SyncRunner runner(Progress progress) {
        return new SyncRunner(camel(), source(), bean("snapshotSource", SnapshotDataSource.class), target(), progress,
                Integer.parseInt(property("ferry.retry.table-attempts")), Integer.parseInt(property("ferry.parallelTables")));
    }

    /** Stops Camel (the in-flight exchange first) and closes both pools. */
    @Override
    public void close() {
        CamelContext camel = main.getCamelContext();
        HikariDataSource source = camel == null ? null : camel.getRegistry().lookupByNameAndType("source", HikariDataSource.class);
        HikariDataSource target = camel == null ? null : camel.getRegistry().lookupByNameAndType("target", HikariDataSource.class);
        try {
            main.stop();
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
