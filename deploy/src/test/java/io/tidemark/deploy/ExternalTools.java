package io.tidemark.deploy;

import java.io.IOException;
import java.util.List;

/** Tools some ITs run that Maven does not provide (Compose, kcat, Python clients), which CI installs. */
final class ExternalTools {

    private ExternalTools() {
    }

    /** Whether {@code command} runs and exits 0: the tool is installed and works. */
    static boolean succeeds(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
