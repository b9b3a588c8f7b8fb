package dev.ferry.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import javax.management.ObjectName;

import dev.ferry.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.ops.JmxServer;
import dev.ferry.ops.RunCoordinator;
import dev.ferry.ops.SyncControl;
import dev.ferry.sync.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry serve}: the long-running service. Runs every table on the Quartz schedule, takes runs
 * over JMX, serves /metrics and /health, and stops gracefully on SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs as a service: scheduled runs, JMX control (ferry:type=Sync), /metrics and /health.")
public final class ServeCommand implements Callable<Integer> {

    private static final long STOP_SECONDS = 120;

    @Option(names = "--tables-dir", paramLabel = "DIR", description = "Table routes from DIR instead of routes/tables.")
    Path tablesDir;

    @Override
    public Integer call() {
        RunCoordinator coordinator = new RunCoordinator(System.err);
        FerryApp app;
        try {
            app = FerryApp.start(tablesDir, Map.of(), true, Map.of("ferryCoordinator", coordinator));
        } catch (Exception e) {
            System.err.println(Redactor.redact("cannot start Ferry: " + SqlErrors.message(e)));
            return ExitCodes.USAGE;
        }
        try {
            app.checkTableRoutes();
        } catch (Exception e) {
            System.err.println(Redactor.redact(e.getMessage()));
            app.close();
            return ExitCodes.USAGE;
        }
        coordinator.attach(app);
        SyncControl control = new SyncControl(coordinator);
        JmxServer jmx = null;
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(control, new ObjectName(JmxServer.NAME));
            String port = app.property("ferry.jmx.port");
            if (!port.isBlank()) {
                jmx = JmxServer.start(app.property("ferry.jmx.host"), Integer.parseInt(port.trim()),
                        app.property("ferry.jmx.user"), app.property("ferry.jmx.password"), control);
            }
        } catch (Exception e) {
            System.err.println(Redactor.redact("cannot start JMX: " + e.getMessage()));
            app.close();
            return ExitCodes.USAGE;
        }
        System.err.println("Ferry is serving: schedule '" + app.property("ferry.schedule") + "' ("
                + app.property("ferry.schedule.time-zone") + "), http://" + app.property("ferry.http.host") + ":"
                + app.property("ferry.http.port") + "/metrics and /health"
                + (jmx != null ? ", JMX " + jmx.address() : ""));
        CountDownLatch stopped = new CountDownLatch(1);
        JmxServer connector = jmx;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("ferry: stopping (the run in progress stops after its batch in flight)...");
            coordinator.shutdown(STOP_SECONDS);
            if (connector != null) {
                connector.close();
            }
            app.close();
            stopped.countDown();
        }, "ferry-serve-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.SUCCESS;
    }
}
