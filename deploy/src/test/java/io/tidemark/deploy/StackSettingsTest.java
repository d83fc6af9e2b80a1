package io.tidemark.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

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
