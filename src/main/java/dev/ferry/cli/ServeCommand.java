package dev.ferry.cli;

import dev.ferry.run.RunService;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import javax.management.ObjectName;

import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.ops.FerryMetrics;
import dev.ferry.ops.JmxServer;
import dev.ferry.ops.RunCoordinator;
import dev.ferry.ops.Schedule;
import dev.ferry.ops.SyncControl;
import dev.ferry.state.Progress;
import dev.ferry.db.SqlErrors;
import dev.ferry.ops.web.WebConsole;
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
        try {
            String taken = takenPort("FERRY_HTTP_HOST", "ferry.http.host", "FERRY_HTTP_PORT", "ferry.http.port");
            if (taken == null) {
                taken = takenPort("FERRY_JMX_HOST", "ferry.jmx.host", "FERRY_JMX_PORT", "ferry.jmx.port");
            }
            if (taken != null) {
                System.err.println(taken);
                return ExitCodes.USAGE;
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(Redactor.redact("cannot start Ferry: " + e.getMessage()));
            return ExitCodes.USAGE;
        }
        Schedule schedule;
        try {
            schedule = Schedule.of(FerryApp.configured("ferry.schedule"), FerryApp.configured("ferry.schedule.time-zone"));
        } catch (Schedule.BadSchedule | IOException e) {
            System.err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        RunCoordinator coordinator = new RunCoordinator(System.err);
        WebConsole web = new WebConsole(coordinator, schedule);
        FerryApp app;
        try {
            app = FerryApp.start(tablesDir, Map.of("ferry.schedule", schedule.quartz()), true,
                    Map.of("ferryCoordinator", coordinator, "ferryWeb", web));
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
        // the tables with a route, resolved once: the routes do not change while Ferry serves
        java.util.Set<String> tables = RunService.tables(app).keySet();
        if (tables.isEmpty()) {
            System.err.println(RunService.noTableRoutes(app)); // a service with nothing to run: every tick would fail
            app.close();
            return ExitCodes.USAGE;
        }
        coordinator.attach(app, tables);
        web.attach(app.target(), tables, app.property("ferry.http.user"), app.property("ferry.http.password"));
        app.bean("ferryMetrics", FerryMetrics.class).declare(tables, coordinator::running);
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
        System.err.println("Ferry is serving: " + schedule.describe() + "; http://" + app.property("ferry.http.host") + ":"
                + app.property("ferry.http.port") + "/metrics and /health, status page "
                + (web.enabled() ? "/" : "off (set FERRY_HTTP_USER and FERRY_HTTP_PASSWORD)")
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

    /**
     * Null when the configured port is free (or not set), else the one line saying which is taken and what
     * to do: the service must not announce an endpoint it cannot serve.
     */
    static String takenPort(String hostVariable, String hostKey, String portVariable, String portKey) throws IOException {
        String port = FerryApp.configured(portKey);
        if (port.isEmpty()) {
            return null;
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            return portVariable + " is '" + port + "': it must be a port number";
        }
        String host = FerryApp.configured(hostKey);
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, number));
            return null;
        } catch (IOException e) {
            return "cannot serve on " + host + ":" + number + " (" + hostVariable + ", " + portVariable + "): "
                    + e.getMessage() + "; stop what holds it, or set " + portVariable + " to a free port";
        }
    }
}
