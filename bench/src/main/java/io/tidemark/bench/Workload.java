package io.tidemark.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The benchmark's change stream for one 12-column table: 70% inserts, 25% updates, 5% deletes,
 * generated from a seed so every contender (and every re-generation) sees the same changes. Updates
 * and deletes favour recently inserted keys, as order and session tables do. The last change is
 * always an insert of a fresh key: once a sink shows that row, it has applied everything before it.
 */
public final class Workload implements Iterable<Workload.Change> {

    public enum Op { INSERT, UPDATE, DELETE }

    /** The 11 non-key columns of a row. */
    public record Row(int customerId, int quantity, BigDecimal unitPrice, BigDecimal total, String status,
                      String note, LocalDateTime createdAt, Instant updatedAt, String attrs, boolean active,
                      long version) {
    }

    /** One source change; {@code row} is null for deletes. {@code lsn} increases with every change. */
    public record Change(Op op, long id, long lsn, long commitMillis, Row row) {
    }

    static final long FIRST_LSN = 0x1_0000_0000L;
    private static final long START_MILLIS = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final String[] STATUSES = {"new", "paid", "packed", "shipped", "delivered", "returned"};
    private static final String[] WORDS = {"gift", "wrap", "leave", "at", "door", "call", "before", "fragile",
        "express", "back", "entrance", "no", "invoice", "please", "ring", "twice", "weekend", "delivery"};
    private static final String[] CHANNELS = {"web", "app", "store", "phone"};

    private final int events;
    private final long seed;

    public Workload(int events, long seed) {
        if (events < 1) {
            throw new IllegalArgumentException("a workload needs at least one event, got " + events);
        }
        this.events = events;
        this.seed = seed;
    }

    public int events() {
        return events;
    }

    /** The key the last change inserts: once a sink shows it, it has applied every change before it. */
    public long lastInsertedId() {
        Change last = null;
        for (Change change : this) {
            last = change;
        }
        return last.id();
    }

    /** The last change of every key (its final row, or its delete), in key order: what a sink must end with. */
    public List<Change> netChanges() {
        return netChangesPerWindow(Integer.MAX_VALUE).get(0);
    }

    /**
     * The changes in windows of {@code window} events, each reduced to the last change of every key in it, in key
     * order: what a sink that commits every {@code window} events writes per transaction. One window holds all the
     * events when {@code window} is at least {@link #events()}.
     */
    public List<List<Change>> netChangesPerWindow(int window) {
        return netChangesPerWindow(window, change -> change);
    }

    /**
     * As {@link #netChangesPerWindow(int)}, each change as {@code encode} makes it, e.g. the line a bulk load reads:
     * only the encoded net changes are held, which for millions of events is a fraction of the changes themselves.
     */
    public <T> List<List<T>> netChangesPerWindow(int window, Function<Change, T> encode) {
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        if (window >= events) {
            return List.of(netState(encode));
        }
        List<List<T>> windows = new ArrayList<>();
        Map<Long, Change> last = new HashMap<>();
        int inWindow = 0;
        for (Change change : this) {
            last.put(change.id(), change);
            if (++inWindow == window) {
                windows.add(sortedById(last, encode));
                last.clear();
                inWindow = 0;
            }
        }
        if (!last.isEmpty()) {
            windows.add(sortedById(last, encode));
        }
        return windows;
    }

    /**
     * The last change of every key, in key order, in two passes over the changes instead of a map of them: keys are
     * dense (1, 2, ... in insert order), so the first pass notes each key's last event in an array, the second
     * encodes exactly those events.
     */
    private <T> List<T> netState(Function<Change, T> encode) {
        int[] lastEvent = new int[events + 2];
        int event = 0;
        for (Change change : this) {
            lastEvent[(int) change.id()] = event++;
        }
        Object[] byId = new Object[lastEvent.length];
        event = 0;
        for (Change change : this) {
            if (lastEvent[(int) change.id()] == event++) {
                byId[(int) change.id()] = encode.apply(change);
            }
        }
        List<T> net = new ArrayList<>();
        for (Object encoded : byId) {
            if (encoded != null) {
                @SuppressWarnings("unchecked")
                T typed = (T) encoded;
                net.add(typed);
            }
        }
        return net;
    }

    private static <T> List<T> sortedById(Map<Long, Change> last, Function<Change, T> encode) {
        List<Change> net = new ArrayList<>(last.values());
        net.sort(Comparator.comparingLong(Change::id));
        List<T> encoded = new ArrayList<>(net.size());
        net.forEach(change -> encoded.add(encode.apply(change)));
        return encoded;
    }

    @Override
    public Iterator<Change> iterator() {
        return new Generator();
    }

    /**
     * The rows a target table holds before a run ({@code -Dtarget.rows}): inserts of keys {@code -count} to
     * {@code -1}, in key order, outside the workload's keys (1 and up), so no change touches them; their contents are
     * generated as the workload's from {@code seed}.
     */
    public static Iterator<Change> existingRows(long count, long seed) {
        Generator rows = new Workload(1, seed).new Generator();
        return new Iterator<>() {
            private long next = -count;

            @Override
            public boolean hasNext() {
                return next < 0;
            }

            @Override
            public Change next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long id = next++;
                return new Change(Op.INSERT, id, FIRST_LSN, START_MILLIS, rows.row(id, 1, START_MILLIS));
            }
        };
    }

    private final class Generator implements Iterator<Change> {
        private final SplittableRandom random = new SplittableRandom(seed);
        private long[] live = new long[1024];
        private int liveCount;
        private long nextId = 1;
        private int produced;

        @Override
        public boolean hasNext() {
            return produced < events;
        }

        @Override
        public Change next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int roll = random.nextInt(100);
            boolean last = produced == events - 1;
            Op op = last || liveCount == 0 || roll < 70 ? Op.INSERT : roll < 95 ? Op.UPDATE : Op.DELETE;
            long lsn = FIRST_LSN + 56L * produced;
            long commitMillis = START_MILLIS + produced / 5;
            produced++;
            return switch (op) {
                case INSERT -> {
                    long id = nextId++;
                    addLive(id);
                    yield new Change(op, id, lsn, commitMillis, row(id, 1, commitMillis));
                }
                case UPDATE -> {
                    long id = live[recentIndex()];
                    yield new Change(op, id, lsn, commitMillis, row(id, produced, commitMillis));
                }
                case DELETE -> {
                    int index = recentIndex();
                    long id = live[index];
                    live[index] = live[--liveCount];
                    yield new Change(op, id, lsn, commitMillis, null);
                }
            };
        }

        /** Skewed towards the newest keys: about half of all picks fall in the most recent tenth. */
        private int recentIndex() {
            double u = random.nextDouble();
            int back = (int) (liveCount * u * u * u * u);
            return liveCount - 1 - Math.min(back, liveCount - 1);
        }

        private void addLive(long id) {
            if (liveCount == live.length) {
                live = Arrays.copyOf(live, live.length * 2);
            }
            live[liveCount++] = id;
        }

        private Row row(long id, long version, long commitMillis) {
            int quantity = 1 + random.nextInt(20);
            BigDecimal unitPrice = BigDecimal.valueOf(100 + random.nextInt(99_900), 2);
            String note = random.nextInt(10) < 3 ? null : note();
            String attrs = "{\"channel\": \"" + CHANNELS[random.nextInt(CHANNELS.length)] + "\", \"score\": "
                    + random.nextInt(1000) + ", \"tags\": [\"" + WORDS[random.nextInt(WORDS.length)] + "\", \""
                    + WORDS[random.nextInt(WORDS.length)] + "\"]}";
            LocalDateTime createdAt = LocalDateTime.ofEpochSecond(START_MILLIS / 1000 + id, (int) Math.floorMod(id, 1000) * 1000,
                    ZoneOffset.UTC);
            Instant updatedAt = Instant.ofEpochMilli(commitMillis).plusNanos(random.nextInt(1000) * 1000L);
            return new Row((int) Math.floorMod(id, 50_000) + 1, quantity, unitPrice, unitPrice.multiply(BigDecimal.valueOf(quantity)),
                    STATUSES[random.nextInt(STATUSES.length)], note, createdAt, updatedAt, attrs,
                    random.nextInt(10) > 0, version);
        }

        private String note() {
            int words = 2 + random.nextInt(7);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < words; i++) {
                if (i > 0) {
                    out.append(' ');
                }
                out.append(WORDS[random.nextInt(WORDS.length)]);
            }
            return out.toString();
        }
    }
}
