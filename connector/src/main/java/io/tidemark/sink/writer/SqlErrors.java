package io.tidemark.sink.writer;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** The one place that decides whether a database error is worth retrying. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * Connection failures (SQLSTATE class 08), an administrator shutting the server down (57P01–57P03,
     * what {@code pg_ctl stop} produces), too many connections (53300), serialization failures
     * (40001) and deadlocks (40P01) pass with time; everything else is a fact about the data or the
     * schema and fails the same way again.
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                        || state.equals("53300") || state.startsWith("57P"))) {
                    return true;
                }
                SQLException next = sql.getNextException();
                if (next != null && next != t && isTransient(next)) {
                    return true;
                }
            }
        }
        return false;
    }
}
