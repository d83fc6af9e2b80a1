package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Connect worker process of the local stack, holding Debezium's source task and both sink tasks, is killed
 * with SIGKILL three times while 100,000 source changes stream through it, and started again each time. Debezium
 * then re-publishes what it had sent but not yet recorded as sent, and the sinks receive again what they had
 * applied but not yet committed to Kafka. Afterwards the MERGE target equals the source row for row and the
 * APPEND target holds exactly one row per source change, per operation.
 */
class WorkerCrashIT {

    private static final int TRANSACTIONS = 1_000;
    private static final double TRANSACTIONS_PER_SECOND = 10;
    private static final int KILLS = 3;
    private static final String ORDERS =
            "SELECT id, customer, status, amount::text, (extract(epoch FROM updated_at) * 1000000)::bigint FROM orders";

    private static StackSettings settings;
    private static LocalStack stack;
    private static StackQueries queries;

    @BeforeAll
    static void startStack() throws IOException {
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, StackQueries.isolatedEnvironment("worker-crash"));
        stack = new LocalStack(settings, System.out);
        stack.start();
        queries = new StackQueries(settings);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void killingTheWorkerThreeTimesMidStreamLosesNothingAndAppendsEveryChangeExactlyOnce() throws Exception {
        OrderChurn churn = new OrderChurn(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword());
        long expectedChanges = DemoShop.SEED_ORDERS + (long) TRANSACTIONS
                * (OrderChurn.INSERTS_PER_TRANSACTION + OrderChurn.UPDATES_PER_TRANSACTION + OrderChurn.DELETES_PER_TRANSACTION);
        long started = System.nanoTime();
        CompletableFuture<Double> workload = CompletableFuture.supplyAsync(() -> {
            try {
                churn.run(TRANSACTIONS, TRANSACTIONS_PER_SECOND);
                return seconds(started);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });

        KafkaServices kafka = new KafkaServices(settings);
        long lastRestart = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            long threshold = expectedChanges * kill / (KILLS + 1);
            awaitTrue("the append sink to pass " + threshold + " rows", Duration.ofMinutes(5), () -> auditRows() >= threshold);
            long applied = auditRows();
            long committed = churn.changes();
            ProcessHandle worker = kafka.worker().running().orElseThrow(() -> new AssertionError("no worker process to kill"));
            worker.destroyForcibly();
            worker.onExit().get(30, TimeUnit.SECONDS);
            System.out.printf("kill -9 #%d at %.0f s: %,d source changes committed, %,d applied in append mode%n",
                    kill, seconds(started), committed, applied);
            assertThat(applied).as("killed mid-stream").isLessThan(expectedChanges);
            kafka.startWorker(Duration.ofSeconds(120));
            lastRestart = System.nanoTime();
        }
        double lastCommit = workload.get(10, TimeUnit.MINUTES);
        assertThat(churn.changes() + DemoShop.SEED_ORDERS).isEqualTo(expectedChanges);

        awaitTrue("the merge target to equal the source and the audit table to hold every change",
                Duration.ofMinutes(5), () -> auditRows() >= expectedChanges && mergeTargetEqualsSource());
        double converged = seconds(started);
        double afterRestart = seconds(lastRestart);

        Map<String, Long> auditByOp = queries.rows(settings.targetJdbcUrl(), "SELECT __op, count(*) FROM orders_audit GROUP BY __op")
                .stream().collect(Collectors.toMap(row -> row.get(0), row -> Long.parseLong(row.get(1))));
        assertThat(auditByOp).as("audit rows per operation").containsExactlyInAnyOrderEntriesOf(Map.of(
                "r", (long) DemoShop.SEED_ORDERS, "c", churn.inserted(), "u", churn.updated(), "d", churn.deleted()));
        assertThat(queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders WHERE __deleted"))
                .as("soft-deleted rows in the merge target").isEqualTo(churn.deleted());
        assertThat(new ConnectRest(settings.connectUrl()).connectorStates()).as("connectors and tasks after the crashes")
                .hasSize(3).allSatisfy((connector, state) -> assertThat(state).as(connector).isEqualTo("RUNNING"));

        List<String> events = queries.recordValues(settings.ordersTopic(), WorkerCrashIT::changeIdentity);
        assertThat(Set.copyOf(events)).as("distinct change events on the topic").hasSize((int) expectedChanges);
        System.out.printf("worker crash: %,d source changes streamed (the last committed at %.0f s), %,d change events"
                        + " on the topic (%,d re-published by Debezium after the kills), lost 0, duplicated 0; converged at"
                        + " %.0f s, %.0f s after the last restart%n",
                expectedChanges, lastCommit, events.size(), events.size() - expectedChanges, converged, afterRestart);
    }

    /** A change event's operation, source LSN and order id: what tells two changes apart (snapshot reads share one LSN). */
    private static String changeIdentity(JsonNode value) {
        JsonNode payload = value.path("payload");
        JsonNode row = payload.path("after").isObject() ? payload.path("after") : payload.path("before");
        return payload.path("op").asText() + "@" + payload.at("/source/lsn").asText() + "#" + row.path("id").asText();
    }

    private static long auditRows() {
        return queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders_audit");
    }

    private static boolean mergeTargetEqualsSource() {
        return queries.rows(settings.sourceJdbcUrl(), ORDERS + " ORDER BY id")
                .equals(queries.rows(settings.targetJdbcUrl(), ORDERS + " WHERE NOT __deleted ORDER BY id"));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
