package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LinesInputStreamTest {

    @Test
    void readsTheLinesOneAfterTheOtherAcrossBufferBoundaries() throws IOException {
        List<byte[]> lines = List.of("1\ta\n".getBytes(StandardCharsets.UTF_8), new byte[0],
                "22\tbé\n".getBytes(StandardCharsets.UTF_8), "333\n".getBytes(StandardCharsets.UTF_8));
        LinesInputStream in = new LinesInputStream(lines.iterator());
        byte[] buffer = new byte[3];
        StringBuilder read = new StringBuilder();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int n = in.read(buffer, 0, 3); n != -1; n = in.read(buffer, 0, 3)) {
            all.write(buffer, 0, n);
        }
        read.append(all.toString(StandardCharsets.UTF_8));
        assertThat(read.toString()).isEqualTo("1\ta\n22\tbé\n333\n");
        assertThat(in.read()).isEqualTo(-1);
    }
}
