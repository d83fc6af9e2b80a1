package io.tidemark.sink.writer;

/** The target behaviour suite on MariaDB. */
class MariaDbTargetBehaviourIT extends TargetBehaviourIT {

    @Override
    protected TargetDatabase target() {
        return new MariaDbDatabase();
    }
}
