package io.tidemark.sink.position;

import java.math.BigInteger;

/**
 * A source position as an unsigned 128-bit number, {@code high × 2^64 + low}: the order of the changes of one row
 * (docs/correctness.md §2.1, §2.6). PostgreSQL positions are LSNs ({@code high} = 0); binlog positions put the
 * binlog file's index (below 2^31) in {@code high} and the event position and row in {@code low}, so every position
 * is below 2^95 and fits the {@code numeric(38,0)} columns the sink stores it in (tables created before binlog
 * sources keep their {@code bigint} columns, which hold every LSN). A PostgreSQL stream order
 * ({@link SourcePosition#streamOrder()}) puts a commit LSN in {@code high}; it fits {@code numeric(38,0)} while that LSN
 * is below 2^62 (4 EiB of WAL).
 */
public record RowVersion(long high, long low) implements Comparable<RowVersion> {

    /** A 64-bit position, e.g. an LSN. */
    public static RowVersion of(long value) {
        return new RowVersion(0, value);
    }

    /** The number a {@code numeric} column stored ({@link #decimal()}); null for null. */
    public static RowVersion ofDecimal(BigInteger value) {
        if (value == null) {
            return null;
        }
        if (value.signum() < 0 || value.bitLength() > 128) {
            throw new IllegalArgumentException("not an unsigned 128-bit position: " + value);
        }
        return new RowVersion(value.shiftRight(64).longValue(), value.longValue());
    }

    /** Whether the number fits a signed 64-bit column ({@code bigint}): every PostgreSQL LSN does. */
    public boolean fitsInt64() {
        return high == 0 && low >= 0;
    }

    /** The number, when {@link #fitsInt64()}. */
    public long int64() {
        if (!fitsInt64()) {
            throw new IllegalStateException("position " + decimal() + " does not fit in 64 bits");
        }
        return low;
    }

    /** The number in decimal, as the {@code numeric} column stores it. */
    public String decimal() {
        if (fitsInt64()) {
            return Long.toString(low);
        }
        return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low))).toString();
    }

    @Override
    public int compareTo(RowVersion other) {
        int byHigh = Long.compareUnsigned(high, other.high);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
    }

    public boolean isAfter(RowVersion other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return decimal();
    }
}
