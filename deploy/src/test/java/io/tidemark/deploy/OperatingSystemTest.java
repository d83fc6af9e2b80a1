package io.tidemark.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class OperatingSystemTest {

    @Test
    void aPidFileCountsOnlyWhileItsProcessStillRunsTheExpectedProgram(@TempDir Path dir) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            Path pidFile = Files.writeString(dir.resolve("service.pid"), Long.toString(sleeper.pid()));
            assertThat(OperatingSystem.runningWith(pidFile, "sleep")).map(ProcessHandle::pid).contains(sleeper.pid());
            assertThat(OperatingSystem.runningWith(pidFile, "kafka.Kafka")).as("a reused pid").isEmpty();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertThat(OperatingSystem.runningWith(dir.resolve("service.pid"), "sleep")).as("after exit").isEmpty();
        assertThat(OperatingSystem.runningWith(dir.resolve("missing.pid"), "sleep")).isEmpty();
    }

    @Test
    void logTailReadsTheLastLinesEvenOfALogThatIsNotUtf8(@TempDir Path dir) throws Exception {
        Path log = Files.write(dir.resolve("server.log"), new byte[] {'a', '\n', (byte) 0xff, '\n', 'c', '\n'});
        assertThat(OperatingSystem.tail(log, 2).lines()).hasSize(2).last().isEqualTo("c");
        assertThat(OperatingSystem.tail(dir.resolve("none.log"), 2)).startsWith("(no log at ");
    }
}
