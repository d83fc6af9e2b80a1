package io.tidemark.bench;

import io.tidemark.bench.CommitToVisible.Committed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Applies the workload's changes to the source table at a steady rate, in small transactions, and records
 * when each change committed as the writing client saw it: the wall clock just after {@code commit()}
 * returned. Every written row carries the change's sequence number in {@code version}, so the target
 * shows which change a row write carries.
 */
final class SourceLoad {

    private static final String TABLE = DebeziumEncoding.TABLE;
    private static final String INSERT = "INSERT INTO " + TABLE + " (" + ItemsDatabase.COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)";
    private static final String UPDATE = "UPDATE " + TABLE + " SET customer_id = ?, quantity = ?, unit_price = ?,"
            + " total = ?, status = ?, note = ?, created_at = ?, updated_at = ?, attrs = ?::jsonb, active = ?, version = ?"
            + " WHERE id = ?";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE id = ?";

    /** What the load did: every change with its client-observed commit time, and how closely the pace held. */
    record Result(List<Committed> changes, long elapsedNanos, long maxBehindNanos) {

        double changesPerSecond() {
            return changes.size() / (elapsedNanos / 1e9);
        }
    }

    private SourceLoad() {
    }

    /**
     * Writes {@code workload} into {@code connection}'s table, {@code perTransaction} changes per transaction,
     * starting a transaction every {@code perTransaction / changesPerSecond} seconds. A transaction that
     * starts late (the machine was busy) starts at once, so the load catches up instead of drifting.
     */
    static Result run(Connection connection, Workload workload, int changesPerSecond, int perTransaction)
            throws SQLException {
        connection.setAutoCommit(false);
        List<Committed> committed = new ArrayList<>(workload.events());
        long periodNanos = 1_000_000_000L * perTransaction / changesPerSecond;
        long maxBehind = 0;
        try (PreparedStatement insert = connection.prepareStatement(INSERT);
             PreparedStatement update = connection.prepareStatement(UPDATE);
             PreparedStatement delete = connection.prepareStatement(DELETE)) {
            Iterator<Workload.Change> changes = workload.iterator();
            long start = System.nanoTime();
            long sequence = 0;
            List<Workload.Change> transaction = new ArrayList<>(perTransaction);
            for (long tx = 0; changes.hasNext(); tx++) {
                long due = start + tx * periodNanos;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                } else {
                    maxBehind = Math.max(maxBehind, now - due);
                }
                transaction.clear();
                long first = sequence + 1;
                while (transaction.size() < perTransaction && changes.hasNext()) {
                    Workload.Change change = changes.next();
                    write(insert, update, delete, change, ++sequence);
                    transaction.add(change);
                }
                connection.commit();
                long committedMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
                for (int i = 0; i < transaction.size(); i++) {
                    Workload.Change change = transaction.get(i);
                    committed.add(new Committed(change.id(), first + i, change.op() == Workload.Op.DELETE,
                            committedMicros));
                }
            }
            return new Result(committed, System.nanoTime() - start, maxBehind);
        }
    }

    private static void write(PreparedStatement insert, PreparedStatement update, PreparedStatement delete,
                              Workload.Change change, long version) throws SQLException {
        switch (change.op()) {
            case INSERT -> {
                insert.setLong(1, change.id());
                bindRow(insert, 2, change.row(), version);
                insert.executeUpdate();
            }
            case UPDATE -> {
                bindRow(update, 1, change.row(), version);
                update.setLong(12, change.id());
                update.executeUpdate();
            }
            case DELETE -> {
                delete.setLong(1, change.id());
                delete.executeUpdate();
            }
        }
    }

    /** Binds the 11 non-key columns from parameter {@code first} on; {@code version} replaces the row's own. */
    private static void bindRow(PreparedStatement ps, int first, Workload.Row row, long version) throws SQLException {
        int i = first;
        ps.setInt(i++, row.customerId());
        ps.setInt(i++, row.quantity());
        ps.setBigDecimal(i++, row.unitPrice());
        ps.setBigDecimal(i++, row.total());
        ps.setString(i++, row.status());
        ps.setString(i++, row.note());
        ps.setObject(i++, row.createdAt());
        ps.setObject(i++, row.updatedAt().atOffset(ZoneOffset.UTC));
        ps.setString(i++, row.attrs());
        ps.setBoolean(i++, row.active());
        ps.setLong(i, version);
    }
}
