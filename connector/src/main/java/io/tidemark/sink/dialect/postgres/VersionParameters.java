package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.position.RowVersion;
import org.apache.kafka.connect.errors.ConnectException;

import java.math.BigDecimal;

import static io.tidemark.sink.dialect.postgres.Identifiers.quote;

/**
 * Row versions as statement parameters for a version column: a typed {@code int8} array when every version fits
 * 64 bits (every PostgreSQL LSN), decimal text for the {@code numeric(38,0)} column otherwise.
 */
final class VersionParameters {

    private VersionParameters() {
    }

    /** Adds {@code versions} (null elements stay NULL) for version column {@code column} of {@code table}. */
    static void add(ColumnArrays values, TableDefinition table, String column, RowVersion[] versions) {
        boolean fit = true;
        for (RowVersion v : versions) {
            fit &= v == null || v.fitsInt64();
        }
        if (fit) {
            Long[] longs = new Long[versions.length];
            for (int i = 0; i < versions.length; i++) {
                longs[i] = versions[i] == null ? null : versions[i].int64();
            }
            values.add(ParameterType.INT8, longs);
            return;
        }
        requireWide(table, column);
        String[] decimals = new String[versions.length];
        for (int i = 0; i < versions.length; i++) {
            decimals[i] = versions[i] == null ? null : versions[i].decimal();
        }
        values.add(ParameterType.TEXT, decimals);
    }

    /** {@code version} as the one scalar parameter of a table-wide statement, for version column {@code column}. */
    static BigDecimal scalar(TableDefinition table, String column, RowVersion version) {
        return new BigDecimal(checked(table, column, version).decimal());
    }

    /** {@code version}, after checking that version column {@code column} of {@code table} can hold it. */
    static RowVersion checked(TableDefinition table, String column, RowVersion version) {
        if (!version.fitsInt64()) {
            requireWide(table, column);
        }
        return version;
    }

    /**
     * A {@code bigint} version column (a table created by a release that read only PostgreSQL) cannot hold a binlog
     * position: the table must be altered once, which the sink does not do to a user's table on its own.
     */
    private static void requireWide(TableDefinition table, String column) {
        if ("bigint".equals(table.typeOf(column))) {
            throw new ConnectException("table " + table.id() + " stores source positions in bigint columns (it was"
                    + " created for a PostgreSQL source), which cannot hold binlog positions; change them once with"
                    + " ALTER TABLE " + quote(table.id()) + " ALTER COLUMN " + column + " TYPE " + PostgresDialect.VERSION_TYPE
                    + (table.has(HiddenColumns.LEGACY_SOURCE_SNAPSHOT) ? ", ALTER COLUMN "
                    + HiddenColumns.LEGACY_SOURCE_SNAPSHOT + " TYPE " + PostgresDialect.VERSION_TYPE : ""));
        }
    }
}
