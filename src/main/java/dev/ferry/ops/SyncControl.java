package dev.ferry.ops;

import java.security.AccessController;
import java.security.Principal;
import java.util.Arrays;
import java.util.List;

import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;

import dev.ferry.log.Redactor;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;

/** The JMX control bean: runs through the same coordinator (and lock) as the schedule. */
public final class SyncControl implements SyncControlMBean {

    private final RunCoordinator coordinator;

    /** Controls runs through this coordinator. */
    public SyncControl(RunCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public String runAll() {
        return start(List.of(), false);
    }

    @Override
    public String runTables(String csv) {
        // commas inside SQL's double quotes belong to the name ("a,b")
        List<String> tables = Arrays.stream(csv.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
        return start(tables, false);
    }

    @Override
    public String retryFailed() {
        return start(List.of(), true);
    }

    private String start(List<String> tables, boolean failedOnly) {
        try {
            return coordinator.start(tables, failedOnly, "jmx", principal());
        } catch (IllegalStateException busy) {
            // a run is in progress: say so (with its id) in a type every client understands
            throw new IllegalStateException(busy.getMessage());
        }
    }

    @Override
    public String dryRun() {
        return Redactor.redact(coordinator.dryRun(principal()));
    }

    @Override
    public void cancel() {
        coordinator.cancel();
    }

    @Override
    public boolean isRunning() {
        return coordinator.running();
    }

    @Override
    public String getLastRunId() {
        Run last = coordinator.lastRun();
        return last == null ? "" : last.id();
    }

    @Override
    public String getLastRunStatus() {
        Run last = coordinator.lastRun();
        return last == null ? "" : last.status().name();
    }

    @Override
    public String getLastRunFinishedAt() {
        Run last = coordinator.lastRun();
        return last == null || last.finishedAt() == null ? "" : last.finishedAt().toString();
    }

    @Override
    public String getCurrentTable() {
        Run run = coordinator.current();
        if (run == null) {
            return "";
        }
        return run.results().stream().filter(t -> t.status() == TableResult.Status.RUNNING).map(TableResult::name)
                .findFirst().orElse("");
    }

    @Override
    public int getProgress() {
        Run run = coordinator.current();
        if (run == null) {
            return 0;
        }
        List<TableResult> tables = run.results();
        double done = 0;
        for (TableResult t : tables) {
            if (t.status() == TableResult.Status.RUNNING) {
                long total = t.resumed() + t.expected();
                done += total == 0 ? 0 : (double) (t.resumed() + t.read()) / total;
            } else if (t.status() != TableResult.Status.PENDING) {
                done += 1;
            }
        }
        return (int) Math.min(100, Math.round(100 * done / Math.max(1, tables.size())));
    }

    /** The JMX principal of the caller (remote connector), else the OS user. */
    @SuppressWarnings("removal")
    static String principal() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (Principal p : subject.getPrincipals()) {
                if (p instanceof JMXPrincipal) {
                    return "jmx:" + p.getName();
                }
            }
        }
        return "jmx:" + System.getProperty("user.name");
    }
}
