package io.tidemark.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Confluent Hub archives the deploy build lays out in target/hub, unpacked as {@code confluent-hub install} would. */
final class HubArchives {

    static final String VERSION = "0.1.0-SNAPSHOT";

    private HubArchives() {
    }

    /** Unpacks {@code tidemark-<plugin>-<version>.zip} into {@code into}; returns the one folder it holds. */
    static Path unpack(String plugin, Path into) throws IOException {
        String name = "tidemark-" + plugin + "-" + VERSION;
        Path zip = StackQueries.DEPLOY.resolve("target/hub/" + name + ".zip");
        assertThat(zip).as("built by mvn package").isRegularFile();
        List<String> roots = new ArrayList<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = entries.getNextEntry()) != null) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target).startsWithRaw(into);
                roots.add(entry.getName().split("/")[0]);
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target);
                }
            }
        }
        assertThat(roots).as("a hub archive holds exactly one folder").containsOnly(name);
        return into.resolve(name);
    }
}
