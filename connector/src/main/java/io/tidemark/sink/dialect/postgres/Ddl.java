package io.tidemark.sink.dialect.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs schema changes in their own committed transaction, one task at a time. Tasks of one or more
 * connectors start together and all try {@code CREATE TABLE IF NOT EXISTS} at once; without the lock
 * PostgreSQL lets two of them race and one fails on its catalog's unique index.
 */
final class Ddl {

    /** Any fixed key works; it only has to be the same for every Tidemark task on the database. */
    private static final long LOCK_KEY = 0x7469_6465_6d61_726bL;

    private Ddl() {
    }

    static void run(Connection connection, String... statements) throws SQLException {
        try {
            runInTransaction(connection, statements);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    /** Runs {@code statements} in the caller's transaction, which holds the lock until it ends. */
    static void runInTransaction(Connection connection, String... statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
