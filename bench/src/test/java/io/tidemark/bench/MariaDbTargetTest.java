package io.tidemark.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MariaDbTargetTest {

    @Test
    void theSinkReleaseIsReadFromTheJarInThePluginFolder(@TempDir Path folder) throws IOException {
        Files.createFile(folder.resolve("debezium-core-3.4.3.Final.jar"));
        Files.createFile(folder.resolve("debezium-connector-jdbc-3.4.3.Final.jar"));
        Files.createFile(folder.resolve("mariadb-java-client-3.5.11.jar"));

        assertThat(MariaDbTarget.pluginVersion(folder)).isEqualTo("3.4.3.Final");
    }

    @Test
    void aMissingPluginFolderSaysThatBenchRunUnpacksIt(@TempDir Path parent) {
        assertThatThrownBy(() -> MariaDbTarget.pluginVersion(parent.resolve("debezium-connector-jdbc")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bench/run unpacks it");
    }

    @Test
    void debeziumRunsThePluginFoldersReleaseWithTheClassPathReleasesSettings() {
        ConnectContender classPath = ConnectContender.debezium();
        ConnectContender plugin = ConnectContender.debeziumPlugin("3.4.3.Final");

        assertThat(plugin.label()).isEqualTo("Debezium JDBC sink 3.4.3");
        assertThat(plugin.config()).containsAllEntriesOf(classPath.config())
                .containsEntry("connector.plugin.version", "[3.4.3.Final]");
        assertThat(plugin.userKey()).isEqualTo("connection.username");
    }

    @Test
    void theWorkerFindsThePluginFolderOnItsPluginPath() {
        assertThat(new MariaDbTarget().workerConfig().get("plugin.path"))
                .isEqualTo(MariaDbTarget.PLUGINS.toAbsolutePath().toString());
    }
}
