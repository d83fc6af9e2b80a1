package io.tidemark.sink.position;

import java.util.Objects;

/**
 * How far in its source's stream the changes of one topic partition that are in the target reach: the furthest
 * {@link SourcePosition#streamOrder()} among them, of the source server {@code server} (correctness.md §4.1).
 */
public record StreamHorizon(String server, RowVersion order) {

    public StreamHorizon {
        Objects.requireNonNull(order, "order");
    }

    /**
     * Whether a streamed change at {@code position} is at or before the horizon, so already in the target: the
     * source emitted it again (after a restart).
     */
    public boolean covers(SourcePosition position) {
        RowVersion stream = position.streamOrder();
        return stream != null && Objects.equals(server, position.server()) && stream.compareTo(order) <= 0;
    }

    /** The horizon once {@code later}, reached after this one, is in the target too: the furthest of the same server. */
    public StreamHorizon then(StreamHorizon later) {
        return later == null || (Objects.equals(server, later.server) && order.compareTo(later.order) >= 0) ? this : later;
    }
}
