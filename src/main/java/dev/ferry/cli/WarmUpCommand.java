package dev.ferry.cli;

import dev.ferry.run.RunService;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryApp;
import picocli.CommandLine.Command;

/**
 * {@code ferry warm-up} (hidden): the class-data-sharing training run of the launcher. It loads what a
 * sync loads (Camel Main with every route, the pools, the PostgreSQL driver, Ferry's own classes, the
 * report's JSON) without touching a database, and stops; the launcher runs it once per build with
 * {@code -XX:ArchiveClassesAtExit}, so that every later command maps those classes from the archive
 * instead of loading and verifying them again (about 0.4 s of each start on 2 cores).
 */
@Command(name = "warm-up", hidden = true, description = "Loads Ferry's classes and exits (the launcher's class-data-sharing training run).")
public final class WarmUpCommand implements Callable<Integer> {

    /** A port nothing listens on: the pools are built, never connected. */
    private static final String NOWHERE = "jdbc:postgresql://127.0.0.1:1/ferry_warm_up?connectTimeout=1";

    @Override
    public Integer call() throws Exception {
        // the demo's table route: routes/tables ships empty, and a templated route must be loaded to be archived
        try (FerryApp app = FerryApp.start(FerryApp.demoTables(), Map.of("ferry.source.url", NOWHERE, "ferry.target.url", NOWHERE,
                "ferry.source.pool-size", "1", "ferry.target.pool-size", "1"))) {
            RunService.runner(app, new dev.ferry.state.Progress(System.err));
        }
        new ObjectMapper().writeValueAsString(Map.of("warm", 1));
        int loaded = 0;
        for (Class<?> anchor : new Class<?>[] {WarmUpCommand.class, org.postgresql.Driver.class,
            com.zaxxer.hikari.HikariDataSource.class}) {
            loaded += loadAll(anchor);
        }
        System.err.println("ferry: warm-up loaded " + loaded + " classes");
        return ExitCodes.SUCCESS;
    }

    /** Loads (without initialising) every class of the jar holding {@code anchor}. */
    private static int loadAll(Class<?> anchor) throws IOException, URISyntaxException {
        Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!jar.toString().endsWith(".jar")) {
            return 0; // classes from a folder (tests): nothing to archive
        }
        ClassLoader loader = anchor.getClassLoader();
        int n = 0;
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements();) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
                    continue;
                }
                try {
                    Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                    n++;
                } catch (LinkageError | ClassNotFoundException optional) {
                    // a class of an optional dependency that is not shipped (pgjdbc's Waffle, OSGi): skipped
                }
            }
        }
        return n;
    }
}
