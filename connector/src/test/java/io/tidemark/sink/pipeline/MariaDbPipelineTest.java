package io.tidemark.sink.pipeline;

import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumMySql;
import io.tidemark.testkit.TestMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.Map;

/**
 * A test class of MariaDB-source pipelines: one Connect worker for the class, started by its first test (after the
 * check that {@code mariadbd} is installed), and a pipeline of its own per test, closed after it.
 */
abstract class MariaDbPipelineTest {

    static ConnectWorld connect;
    MariaDbPipeline pipeline;

    /** The name of the class's Connect world. */
    abstract String worldName();

    @BeforeEach
    void startWorldOnce() {
        MariaDbPipeline.assumeMariaDbInstalled();
        if (connect == null) {
            TestMariaDb.port();
            connect = ConnectWorld.start(worldName(), 1, DebeziumMySql.workerProps());
        }
    }

    @AfterEach
    void closePipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @AfterAll
    static void stopWorld() {
        if (connect != null) {
            connect.close();
            connect = null;
        }
    }

    /** A pipeline whose source holds customers 1..{@code rows}, snapshotted and converged. */
    void converged(String name, int rows) {
        pipeline = new MariaDbPipeline(name, connect);
        TestMariaDb.execute(pipeline.source, MariaDbPipeline.insertCustomers(1, rows));
        pipeline.startSource(Map.of());
        pipeline.startSink();
        pipeline.awaitConverged(Duration.ofSeconds(90));
    }
}
