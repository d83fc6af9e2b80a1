package io.tidemark.sink.writer;

/** The target behaviour suite on PostgreSQL. */
class PostgresTargetBehaviourIT extends TargetBehaviourIT {

    @Override
    protected TargetDatabase target() {
        return new PostgresDatabase();
    }
}
