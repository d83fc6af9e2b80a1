package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.event.TableId;

/**
 * PostgreSQL identifier quoting. Every table and column name goes into SQL through here, so a name
 * holding quotes, semicolons or comment markers stays one identifier and executes nothing.
 */
public final class Identifiers {

    private Identifiers() {
    }

    public static String quote(String name) {
        if (name.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character: " + name.replace('\u0000', '?'));
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public static String quote(TableId table) {
        return table.schema() == null ? quote(table.table()) : quote(table.schema()) + "." + quote(table.table());
    }
}
