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

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's {@code ./tidemark run --source mariadb} end to end, through the {@code ./tidemark} script on a stack of
 * its own: start with a MariaDB source, workload, the PostgreSQL target converges and {@code ./tidemark status} shows
 * the binlog lag; more changes and at once stop; {@code run} resumes the same data (no re-snapshot, no change lost),
 * converges again and stops on Ctrl-C. CI installs {@code mariadb-server}; a machine without {@code mariadbd} skips this.
 */
class MariaDbLocalStackIT {

    private static TidemarkScript script;
    private static StackSettings settings;
    private static StackQueries stack;

    @BeforeAll
    static void freshStack() throws IOException {
        assumeTrue(MariaDbServer.installed() || System.getenv("CI") != null,
                "mariadbd is not installed: Debian's mariadb-server provides it (CI installs it)");
        Map<String, String> env = StackQueries.isolatedEnvironment("local-stack-mariadb");
        script = new TidemarkScript(env);
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, env, Optional.of(SourceDatabase.MARIADB));
        stack = new StackQueries(settings);
    }

    @AfterAll
    static void stopWhateverRuns() throws Exception {
        if (script != null) {
            script.run(Duration.ofSeconds(180), "stop");
        }
    }

    @Test
    void startConvergeShowBinlogLagStopThenRunResumesWithoutLosingAChange() throws Exception {
        long t0 = System.nanoTime();
        Result start = script.run(Duration.ofSeconds(240), "start", "--source", "mariadb");
        double startupSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(start.output());
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("creating a new stack", "(MariaDB source, PostgreSQL target)", "source MariaDB on port",
                "created shop-mariadb-source", "created shop-orders-merge", "stack up in");

        Result workload = script.run(Duration.ofSeconds(120), "workload", "--transactions", "300", "--rate", "100");
        assertThat(workload.exitCode()).as(workload.output()).isZero();
        long t1 = System.nanoTime();
        stack.awaitTargetEqualsSource(Duration.ofSeconds(120));
        double convergenceSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("local stack with MariaDB: cold start %.1f s, target converged %.1f s after the workload%n",
                startupSeconds, convergenceSeconds);
        stack.awaitOutboxEventsForEveryOrder(Duration.ofSeconds(60));

        Result status = script.run(Duration.ofSeconds(60), "status");
        System.out.println(status.output());
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("MariaDB source :" + settings.sourceDbPort(), "in sync",
                "shop-mariadb-source RUNNING", "consumer lag   shop-orders-merge", "no alerts");
        assertThat(status.output().lines().filter(l -> l.startsWith("  binlog lag     ")).toList()).singleElement()
                .asString().matches("  binlog lag     mysql-bin\\.\\d{6}:\\d+  Debezium \\d+ B, applied \\d+ B behind +alert > 1 file");
        assertThat(status.output()).doesNotContain("slot lag");

        // Stopped right after changes: Debezium's last committed offset then lies inside a change (see LocalStack).
        Result moreChanges = script.run(Duration.ofSeconds(120), "workload", "--transactions", "100", "--rate", "100");
        assertThat(moreChanges.exitCode()).as(moreChanges.output()).isZero();
        Result stop = script.run(Duration.ofSeconds(180), "stop");
        System.out.println(stop.output());
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        assertThat(stop.output()).contains("stopped source-db");
        StackQueries.awaitPortsFree(settings);

        Process run = script.launcher("run", "--source", "mariadb", "--rate", "50", "--transactions", "200").start();
        OutputWatch watch = new OutputWatch(run);
        long t2 = System.nanoTime();
        watch.await("stack up in", Duration.ofSeconds(240));
        System.out.printf("local stack with MariaDB: warm restart %.1f s%n", (System.nanoTime() - t2) / 1e9);
        assertThat(watch.text()).contains("resuming the stack", "updated shop-mariadb-source");
        watch.await("demo workload finished", Duration.ofSeconds(120));
        stack.awaitTargetEqualsSource(Duration.ofSeconds(120));
        stack.awaitOutboxEventsForEveryOrder(Duration.ofSeconds(60));

        List<String> changes = stack.recordValues(settings.ordersTopic(), v -> v.at("/payload/op").asText());
        assertThat(changes.stream().filter("r"::equals).count()).as("orders read by the one initial snapshot")
                .isEqualTo(DemoShop.SEED_ORDERS);

        new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(run.waitFor(180, TimeUnit.SECONDS)).as("run stops on Ctrl-C").isTrue();
        watch.await("stopped source-db", Duration.ofSeconds(5));
        StackQueries.awaitPortsFree(settings);
    }
}
