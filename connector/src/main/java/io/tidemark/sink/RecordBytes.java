package io.tidemark.sink;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * An estimate of the heap a converted sink record occupies: its key, value and headers walked down to the leaves,
 * with the object sizes of a 64-bit JVM with compressed pointers. Schemas are not counted, since converters share
 * them between records. It bounds what the task gathers (correctness.md §4.3), so it errs on the large side.
 */
final class RecordBytes {

    private static final int RECORD = 120;
    private static final int OBJECT = 16;
    private static final int REFERENCE = 8;
    private static final int STRING = 48;
    private static final int HEADER = 48;

    private RecordBytes() {
    }

    static long of(SinkRecord record) {
        long bytes = RECORD + of(record.key()) + of(record.value());
        for (Header header : record.headers()) {
            bytes += HEADER + STRING + header.key().length() + of(header.value());
        }
        return bytes;
    }

    static long of(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Struct struct) {
            List<Field> fields = struct.schema().fields();
            long bytes = 2L * OBJECT + (long) REFERENCE * fields.size();
            for (Field field : fields) {
                bytes += of(struct.get(field));
            }
            return bytes;
        }
        if (value instanceof String text) {
            return STRING + 2L * text.length();
        }
        if (value instanceof byte[] bytes) {
            return OBJECT + bytes.length;
        }
        if (value instanceof ByteBuffer buffer) {
            return 3L * OBJECT + buffer.remaining();
        }
        if (value instanceof BigDecimal decimal) {
            return 3L * OBJECT + decimal.unscaledValue().bitLength() / 8 + 1;
        }
        if (value instanceof List<?> list) {
            long bytes = 2L * OBJECT + (long) REFERENCE * list.size();
            for (Object element : list) {
                bytes += of(element);
            }
            return bytes;
        }
        if (value instanceof Map<?, ?> map) {
            long bytes = 3L * OBJECT;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                bytes += 2L * OBJECT + of(entry.getKey()) + of(entry.getValue());
            }
            return bytes;
        }
        return OBJECT + REFERENCE;
    }
}
