package io.tidemark.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackSettingsTest {

    private static final Path DEPLOY = Path.of("/src/tidemark/deploy");

    @Test
    void defaultsKeepDataNextToTheProjectAndUseThePortsTheConnectorJsonDefaultsTo() {
        StackSettings settings = StackSettings.fromEnvironment(DEPLOY, Map.of());
        assertThat(settings.home()).isEqualTo(Path.of("/src/tidemark/.tidemark"));
        assertThat(settings.pluginPath()).isEqualTo(Path.of("/src/tidemark/deploy/target/connect-plugins"));
        assertThat(settings.sourceJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/shop");
        assertThat(settings.targetJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15433/analytics");
        assertThat(settings.connectUrl()).isEqualTo("http://127.0.0.1:18083");
        assertThat(settings.registerEnvironment()).containsEntry("CONNECT_URL", "http://127.0.0.1:18083")
                .containsEntry("SOURCE_DB_PORT", "15432").containsEntry("TARGET_DB_NAME", "analytics");
    }

    @Test
    void aNewStackCapturesPostgresUnlessAnotherSourceIsAskedFor() {
        StackSettings settings = StackSettings.fromEnvironment(DEPLOY, Map.of());
        assertThat(settings.source()).isEqualTo(SourceDatabase.POSTGRES);
        assertThat(settings.ordersTopic()).isEqualTo("shop.public.orders");
        assertThat(settings.registerEnvironment()).containsEntry("SOURCE_DB_USER", "postgres")
                .containsEntry("SINK_TOPICS", "shop.public.orders,shop.transaction")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");
    }

    @Test
    void aMariaDbSourceHasItsOwnPortUrlTopicsAndADebeziumLoginOfItsOwn() {
        StackSettings settings = StackSettings.fromEnvironment(DEPLOY, Map.of(), Optional.of(SourceDatabase.MARIADB));
        assertThat(settings.sourceDbPort()).isEqualTo(13306);
        assertThat(settings.sourceJdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:13306/shop");
        assertThat(settings.targetJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15433/analytics");
        assertThat(settings.dbUser()).isEqualTo("tidemark");
        assertThat(settings.debeziumUser()).isEqualTo("debezium");
        assertThat(settings.ordersTopic()).isEqualTo("shop.shop.orders");
        assertThat(settings.registerEnvironment()).containsEntry("SOURCE_DB_PORT", "13306")
                .containsEntry("SOURCE_DB_USER", "debezium").containsEntry("TARGET_DB_USER", "tidemark")
                .containsEntry("SINK_TOPICS", "shop.shop.orders");
    }

    @Test
    void theOrdersTopicOfAMariaDbSourceIsNamedAfterItsDatabase() {
        StackSettings settings = StackSettings.fromEnvironment(DEPLOY, Map.of("SOURCE_DB_NAME", "store",
                "SOURCE_DB_PORT", "23306", "SOURCE_DB_USER", "app"), Optional.of(SourceDatabase.MARIADB));
        assertThat(settings.ordersTopic()).isEqualTo("shop.store.orders");
        assertThat(settings.sourceJdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:23306/store");
        assertThat(settings.dbUser()).isEqualTo("app");
    }

    @Test
    void anExistingStackKeepsTheSourceItWasCreatedWith(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("source-db/mysql"));
        Map<String, String> env = Map.of("TIDEMARK_HOME", home.toString());
        assertThat(StackSettings.fromEnvironment(DEPLOY, env).source()).isEqualTo(SourceDatabase.MARIADB);
        assertThat(StackSettings.fromEnvironment(DEPLOY, env, Optional.of(SourceDatabase.MARIADB)).source())
                .isEqualTo(SourceDatabase.MARIADB);
        assertThatThrownBy(() -> StackSettings.fromEnvironment(DEPLOY, env, Optional.of(SourceDatabase.POSTGRES)))
                .isInstanceOf(StackException.class)
                .hasMessage("the stack in " + home + " was created with a MariaDB source, not PostgreSQL:"
                        + " ./tidemark clean removes it, or TIDEMARK_HOME=<dir> runs a PostgreSQL stack beside it");
    }

    @Test
    void aStackCreatedWithPostgresIsToldByItsDataDirectory(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("source-db"));
        Files.writeString(home.resolve("source-db/PG_VERSION"), "17\n");
        assertThatThrownBy(() -> StackSettings.fromEnvironment(DEPLOY, Map.of("TIDEMARK_HOME", home.toString()),
                Optional.of(SourceDatabase.MARIADB)))
                .hasMessageStartingWith("the stack in " + home + " was created with a PostgreSQL source, not MariaDB");
    }

    @Test
    void aDuckDbTargetIsAFileInTheHomeWithSinkConfigsOfItsOwn() {
        StackSettings settings = StackSettings.fromEnvironment(DEPLOY, Map.of("TIDEMARK_HOME", "/tmp/stack"),
                Optional.empty(), Optional.of(TargetDatabase.DUCKDB));
        assertThat(settings.targetFile()).isEqualTo(Path.of("/tmp/stack/target-db/analytics.duckdb"));
        assertThat(settings.targetJdbcUrl()).isEqualTo("jdbc:duckdb:/tmp/stack/target-db/analytics.duckdb");
        assertThat(settings.targetLocation()).isEqualTo("/tmp/stack/target-db/analytics.duckdb");
        assertThat(settings.registerEnvironment())
                .containsEntry("TARGET_DUCKDB_FILE", "/tmp/stack/target-db/analytics.duckdb");
        assertThat(settings.connectorConfig(StackSettings.MERGE_SINK))
                .isEqualTo(DEPLOY.resolve("connectors/duckdb/shop-orders-merge.json"));
        assertThat(settings.connectorConfig("shop-postgres-source"))
                .isEqualTo(DEPLOY.resolve("connectors/shop-postgres-source.json"));
        assertThat(StackSettings.fromEnvironment(DEPLOY, Map.of()).connectorConfig(StackSettings.APPEND_SINK))
                .isEqualTo(DEPLOY.resolve("connectors/shop-orders-append.json"));
    }

    @Test
    void anExistingStackKeepsTheTargetItWasCreatedWith(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("target-db"));
        Files.writeString(home.resolve("target-db/analytics.duckdb"), "");
        Map<String, String> env = Map.of("TIDEMARK_HOME", home.toString());
        assertThat(StackSettings.fromEnvironment(DEPLOY, env).target()).isEqualTo(TargetDatabase.DUCKDB);
        assertThatThrownBy(() -> StackSettings.fromEnvironment(DEPLOY, env, Optional.empty(),
                Optional.of(TargetDatabase.POSTGRES)))
                .hasMessage("the stack in " + home + " was created with a DuckDB target, not PostgreSQL:"
                        + " ./tidemark clean removes it, or TIDEMARK_HOME=<dir> runs a PostgreSQL stack beside it");
    }

    @Test
    void environmentMovesPortsAndHome() {
        StackSettings settings = StackSettings.fromEnvironment(DEPLOY, Map.of("TIDEMARK_HOME", "/tmp/stack",
                "SOURCE_DB_PORT", "25432", "TIDEMARK_KAFKA_PORT", "29092", "TIDEMARK_CONNECT_PORT", "28083"));
        assertThat(settings.home()).isEqualTo(Path.of("/tmp/stack"));
        assertThat(settings.sourceDbPort()).isEqualTo(25432);
        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:29092");
        assertThat(settings.registerEnvironment()).containsEntry("CONNECT_URL", "http://127.0.0.1:28083");
    }

    @Test
    void aPortThatIsNoPortIsRefusedByName() {
        assertThatThrownBy(() -> StackSettings.fromEnvironment(DEPLOY, Map.of("TIDEMARK_CONNECT_PORT", "80833")))
                .isInstanceOf(StackException.class).hasMessage("TIDEMARK_CONNECT_PORT=80833 is not a TCP port");
    }

    @Test
    void aTakenPortIsReportedWithWhatItWasFor() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Ports.requireFree(Map.of("Kafka broker", port)))
                    .isInstanceOf(StackException.class)
                    .hasMessageContaining("port " + port + " (Kafka broker) is taken")
                    .hasMessageContaining("TIDEMARK_KAFKA_PORT");
        }
    }
}
