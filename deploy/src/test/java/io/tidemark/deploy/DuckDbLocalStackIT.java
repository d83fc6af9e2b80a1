package io.tidemark.deploy;

import io.tidemark.deploy.TidemarkScript.OutputWatch;
import io.tidemark.deploy.TidemarkScript.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's {@code ./tidemark run --target duckdb} end to end, through the {@code ./tidemark} script on a stack of
 * its own: start with the sinks writing a DuckDB file in the Connect worker, workload, the file (read from this JVM,
 * between the sinks' transactions) converges with the source, {@code ./tidemark status} reads it from another JVM,
 * every change is in the audit table once; the home refuses another target; stop, then {@code run} resumes the same
 * file (no re-snapshot), its live status reads the file while the workload runs, and it stops on Ctrl-C.
 */
class DuckDbLocalStackIT {

    private static TidemarkScript script;
    private static StackSettings settings;
    private static StackQueries stack;

    @BeforeAll
    static void freshStack() throws IOException {
        Map<String, String> env = StackQueries.isolatedEnvironment("local-stack-duckdb");
        script = new TidemarkScript(env);
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, env, Optional.empty(),
                Optional.of(TargetDatabase.DUCKDB));
        stack = new StackQueries(settings);
    }

    @AfterAll
    static void stopWhateverRuns() throws Exception {
        script.run(Duration.ofSeconds(180), "stop");
    }

    @Test
    void startConvergeShowStatusStopThenRunResumesTheFileAndReadsItLive() throws Exception {
        long t0 = System.nanoTime();
        Result start = script.run(Duration.ofSeconds(240), "start", "--target", "duckdb");
        double startupSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(start.output());
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("creating a new stack", "(PostgreSQL source, DuckDB target)",
                "target DuckDB file " + settings.targetFile(), "created shop-orders-merge", "created shop-orders-append",
                "stack up in");

        Result workload = script.run(Duration.ofSeconds(120), "workload", "--transactions", "300", "--rate", "100");
        assertThat(workload.exitCode()).as(workload.output()).isZero();
        long t1 = System.nanoTime();
        stack.awaitTargetEqualsSource(Duration.ofSeconds(120));
        double convergenceSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("local stack with DuckDB: cold start %.1f s, target converged %.1f s after the workload%n",
                startupSeconds, convergenceSeconds);
        stack.awaitOutboxEventsForEveryOrder(Duration.ofSeconds(60));
        awaitEveryChangeAudited();

        Result status = script.run(Duration.ofSeconds(60), "status");
        System.out.println(status.output());
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("DuckDB target " + settings.targetFile(), "in sync",
                "shop-orders-merge RUNNING", "shop-orders-append RUNNING", " not applied", "no alerts");

        Result otherTarget = script.run(Duration.ofSeconds(60), "start", "--target", "postgres");
        assertThat(otherTarget.exitCode()).isEqualTo(1);
        assertThat(otherTarget.output()).contains("was created with a DuckDB target, not PostgreSQL");

        Result stop = script.run(Duration.ofSeconds(180), "stop");
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        StackQueries.awaitPortsFree(settings);

        Process run = script.launcher("run", "--rate", "50", "--transactions", "200").start();
        OutputWatch watch = new OutputWatch(run);
        long t2 = System.nanoTime();
        watch.await("stack up in", Duration.ofSeconds(240));
        System.out.printf("local stack with DuckDB: warm restart %.1f s%n", (System.nanoTime() - t2) / 1e9);
        assertThat(watch.text()).contains("resuming the stack", "DuckDB target", "updated shop-orders-merge");
        // Printed by the live status, which reads the file from the launcher's JVM while the sinks write it.
        watch.await("target in sync with the source", Duration.ofSeconds(120));
        watch.await("demo workload finished", Duration.ofSeconds(120));
        stack.awaitTargetEqualsSource(Duration.ofSeconds(120));
        stack.awaitOutboxEventsForEveryOrder(Duration.ofSeconds(60));
        List<String> changes = stack.recordValues(settings.ordersTopic(), v -> v.at("/payload/op").asText());
        assertThat(changes.stream().filter("r"::equals).count()).as("orders read by the one initial snapshot")
                .isEqualTo(DemoShop.SEED_ORDERS);
        awaitEveryChangeAudited();

        new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(run.waitFor(180, TimeUnit.SECONDS)).as("run stops on Ctrl-C").isTrue();
        watch.await("stopped source-db", Duration.ofSeconds(5));
        StackQueries.awaitPortsFree(settings);
    }

    /** The append sink's table holds one row per change event of the orders topic. */
    private static void awaitEveryChangeAudited() {
        awaitTrue("audit table holds every change once", Duration.ofSeconds(60), () -> {
            long changes = stack.recordValues(settings.ordersTopic(), v -> v.at("/payload/op").asText()).size();
            return stack.targetCount("SELECT count(*) FROM orders_audit") == changes;
        });
    }
}
