package io.tidemark.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    @Test
    void optionsDefaultToASteadyDemoWorkload() {
        Tidemark.Options options = Tidemark.Options.parse(List.of());
        assertThat(options.rate).isEqualTo(20);
        assertThat(options.transactions).isZero();
        assertThat(options.watch).isFalse();
        assertThat(options.source).as("no --source: the stack's own, PostgreSQL for a new one").isEmpty();
    }

    @Test
    void optionsAreReadWhateverTheirOrder() {
        Tidemark.Options options = Tidemark.Options.parse(List.of("--transactions", "300", "--watch", "--rate", "7.5"));
        assertThat(options.rate).isEqualTo(7.5);
        assertThat(options.transactions).isEqualTo(300);
        assertThat(options.watch).isTrue();
    }

    @Test
    void sourceNamesTheDatabaseToCaptureFrom() {
        assertThat(Tidemark.Options.parse(List.of("--source", "mariadb", "--rate", "5")).source)
                .contains(SourceDatabase.MARIADB);
        assertThat(Tidemark.Options.parse(List.of("--source", "postgres")).source).contains(SourceDatabase.POSTGRES);
    }

    @Test
    void anUnknownSourceIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> Tidemark.Options.parse(List.of("--source", "oracle")))
                .isInstanceOf(StackException.class)
                .hasMessage("--source must be one of postgres, mariadb, not 'oracle'");
        assertThatThrownBy(() -> Tidemark.Options.parse(List.of("--source")))
                .hasMessage("--source needs a value");
    }

    @Test
    void targetNamesTheDatabaseTheSinksWriteTo() {
        assertThat(Tidemark.Options.parse(List.of()).target).as("no --target: the stack's own").isEmpty();
        assertThat(Tidemark.Options.parse(List.of("--target", "duckdb", "--source", "mariadb")).target)
                .contains(TargetDatabase.DUCKDB);
        assertThatThrownBy(() -> Tidemark.Options.parse(List.of("--target", "sqlite")))
                .hasMessage("--target must be one of postgres, duckdb, not 'sqlite'");
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> Tidemark.Options.parse(List.of("--rate", "-1")))
                .hasMessage("--rate must be a positive number, not '-1'");
        assertThatThrownBy(() -> Tidemark.Options.parse(List.of("--transactions")))
                .hasMessage("--transactions needs a value");
        assertThatThrownBy(() -> Tidemark.Options.parse(List.of("--fast")))
                .hasMessage("unknown option --fast");
    }

    @Test
    void anUnknownCommandListsTheKnownOnes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tidemark tidemark = new Tidemark(Path.of("deploy"), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tidemark.execute(List.of("launch")))
                .isInstanceOf(StackException.class)
                .hasMessage("unknown command 'launch'; one of: run, start, stop, status, workload, clean");
    }

    @Test
    void aCommandWithAnotherSourceThanItsStacksIsRefusedBeforeAnythingRuns(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("source-db/mysql"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tidemark tidemark = new Tidemark(Path.of("deploy"), Map.of("TIDEMARK_HOME", home.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tidemark.execute(List.of("start", "--source", "postgres")))
                .isInstanceOf(StackException.class)
                .hasMessageStartingWith("the stack in " + home + " was created with a MariaDB source, not PostgreSQL");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
