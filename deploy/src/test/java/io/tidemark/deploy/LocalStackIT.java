package io.tidemark.deploy;

import io.tidemark.deploy.TidemarkScript.OutputWatch;
import io.tidemark.deploy.TidemarkScript.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's run command end to end, through the {@code ./tidemark} script as a user runs it, on a stack of its
 * own (fresh home, free ports): start, register, workload, the target converges; a second start and a start on a
 * taken port are refused by name; stop; then {@code run} resumes the same data (no re-snapshot, no duplicate),
 * converges again, and stops on Ctrl-C (SIGINT).
 */
class LocalStackIT {

    private static TidemarkScript script;
    private static StackSettings settings;
    private static StackQueries stack;

    @BeforeAll
    static void freshStack() throws IOException {
        Map<String, String> env = StackQueries.isolatedEnvironment("local-stack");
        script = new TidemarkScript(env);
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, env);
        stack = new StackQueries(settings);
    }

    @AfterAll
    static void stopWhateverRuns() throws Exception {
        script.run(Duration.ofSeconds(180), "stop");
    }

    @Test
    void startConvergeStopThenRunResumesWithoutResnapshotOrDuplicatesAndStopsOnCtrlC() throws Exception {
        long t0 = System.nanoTime();
        Result start = script.run(Duration.ofSeconds(240), "start");
        double startupSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(start.output());
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("creating a new stack", "created shop-postgres-source", "created shop-orders-merge",
                "stack up in");

        Result workload = script.run(Duration.ofSeconds(120), "workload", "--transactions", "300", "--rate", "100");
        assertThat(workload.exitCode()).as(workload.output()).isZero();
        long t1 = System.nanoTime();
        stack.awaitTargetEqualsSource(Duration.ofSeconds(120));
        double convergenceSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("local stack: cold start %.1f s, target converged %.1f s after the workload%n",
                startupSeconds, convergenceSeconds);
        stack.awaitOutboxEventsForEveryOrder(Duration.ofSeconds(60));

        Result status = script.run(Duration.ofSeconds(60), "status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("in sync", "shop-orders-merge RUNNING", "no alerts",
                "consumer lag   shop-orders-merge", " not applied", "apply latency  shop-orders-merge ");

        Result twice = script.run(Duration.ofSeconds(60), "start");
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.output()).contains("a stack is already running from " + settings.home());

        Result stop = script.run(Duration.ofSeconds(180), "stop");
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        StackQueries.awaitPortsFree(settings);

        try (ServerSocket squatter = new ServerSocket(settings.kafkaPort(), 1, InetAddress.getLoopbackAddress())) {
            Result blocked = script.run(Duration.ofSeconds(60), "start");
            assertThat(blocked.exitCode()).isEqualTo(1);
            assertThat(blocked.output()).contains("port " + settings.kafkaPort() + " (Kafka broker) is taken");
        }
        StackQueries.awaitPortsFree(settings);

        Process run = script.launcher("run", "--rate", "50", "--transactions", "200").start();
        OutputWatch watch = new OutputWatch(run);
        long t2 = System.nanoTime();
        watch.await("stack up in", Duration.ofSeconds(240));
        System.out.printf("local stack: warm restart %.1f s%n", (System.nanoTime() - t2) / 1e9);
        assertThat(watch.text()).contains("resuming the stack", "updated shop-postgres-source");
        watch.await("demo workload finished", Duration.ofSeconds(120));
        stack.awaitTargetEqualsSource(Duration.ofSeconds(120));
        stack.awaitOutboxEventsForEveryOrder(Duration.ofSeconds(60));

        List<String> changes = stack.recordValues(settings.ordersTopic(), v -> v.at("/payload/op").asText());
        long snapshotReads = changes.stream().filter("r"::equals).count();
        assertThat(snapshotReads).as("orders read by the one initial snapshot").isEqualTo(DemoShop.SEED_ORDERS);
        if (start.output().contains("created shop-orders-append")) {
            long changeEvents = changes.size();
            awaitTrue("audit table holds every change once", Duration.ofSeconds(60),
                    () -> stack.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders_audit") == changeEvents);
        }

        new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(run.waitFor(180, TimeUnit.SECONDS)).as("run stops on Ctrl-C").isTrue();
        watch.await("stopped source-db", Duration.ofSeconds(5));
        StackQueries.awaitPortsFree(settings);
    }
}
