package io.tidemark.testkit;

import java.io.IOException;
import java.util.List;

/** The programs from the machine's packages that some tests run (CI installs them: {@code .ci/run}). */
public final class ExternalTools {

    private ExternalTools() {
    }

    /** Whether {@code command} runs and exits 0: the tool is installed and works. */
    public static boolean succeeds(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
