package io.tidemark.deploy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    }

    @Test
    void optionsAreReadWhateverTheirOrder() {
        Tidemark.Options options = Tidemark.Options.parse(List.of("--transactions", "300", "--watch", "--rate", "7.5"));
        assertThat(options.rate).isEqualTo(7.5);
        assertThat(options.transactions).isEqualTo(300);
        assertThat(options.watch).isTrue();
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
        Tidemark tidemark = new Tidemark(StackSettings.fromEnvironment(Path.of("deploy"), Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tidemark.execute(List.of("launch")))
                .isInstanceOf(StackException.class)
                .hasMessage("unknown command 'launch'; one of: run, start, stop, status, workload, clean");
    }
}
