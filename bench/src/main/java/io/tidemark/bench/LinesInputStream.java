package io.tidemark.bench;

import java.io.InputStream;
import java.util.Iterator;

/**
 * The bytes of a sequence of lines, read one line after the other without joining them first: a bulk load of
 * millions of rows streams from the lines it already holds instead of a copy of them all.
 */
final class LinesInputStream extends InputStream {

    private final Iterator<byte[]> lines;
    private byte[] line = new byte[0];
    private int position;

    LinesInputStream(Iterator<byte[]> lines) {
        this.lines = lines;
    }

    @Override
    public int read() {
        if (!nextByteAvailable()) {
            return -1;
        }
        return line[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        int copied = 0;
        while (copied < length && nextByteAvailable()) {
            int n = Math.min(length - copied, line.length - position);
            System.arraycopy(line, position, buffer, offset + copied, n);
            position += n;
            copied += n;
        }
        return copied == 0 ? -1 : copied;
    }

    private boolean nextByteAvailable() {
        while (position == line.length) {
            if (!lines.hasNext()) {
                return false;
            }
            line = lines.next();
            position = 0;
        }
        return true;
    }
}
