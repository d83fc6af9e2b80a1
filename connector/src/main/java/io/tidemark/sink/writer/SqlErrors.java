package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.TargetDialect;

import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** The one place that decides whether a database error is worth retrying, with the dialect's codes. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * The error's message, followed by the reason the driver gave (the innermost {@link SQLException} among its
     * causes, else its first cause) when it differs: a pool's "connection is not available" says little without it
     * (a refused certificate, a failed login).
     */
    public static String message(Throwable error) {
        Throwable reason = null;
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException || reason == null) {
                reason = t;
            }
        }
        String message = error.getMessage();
        if (reason == null || reason.getMessage() == null || (message != null && message.contains(reason.getMessage()))) {
            return message;
        }
        return message + " (" + reason.getMessage() + ")";
    }

    /**
     * Whether {@code error} passes with time: the driver says so ({@link SQLTransientException},
     * {@link SQLRecoverableException}), or the dialect does for an {@link SQLException} among its causes or chained
     * exceptions ({@link TargetDialect#isTransient}: a lost connection, a shutdown, a deadlock). Everything else is a
     * fact about the data, the schema or the setup (a server certificate the client does not trust) and fails the
     * same way again.
     */
    public static boolean isTransient(Throwable error, TargetDialect dialect) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                // A certificate the client does not trust (wrong CA, expired) stays untrusted, however the pool
                // wraps the failure.
                return false;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                if (dialect.isTransient(sql)) {
                    return true;
                }
                SQLException next = sql.getNextException();
                if (next != null && next != t && isTransient(next, dialect)) {
                    return true;
                }
            }
        }
        return false;
    }
}
