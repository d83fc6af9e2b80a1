package io.tidemark.deploy;

/** A database server of the stack, run from a data directory in the stack home that survives restarts. */
interface DatabaseServer {

    /** The name of its data directory and log file, and in messages. */
    String name();

    /** Whether its data directory was created by an earlier start. */
    boolean initialized();

    /** Creates the data directory on first use, then starts the server and waits until it answers. */
    void start();

    boolean running();

    /** Stops it cleanly: open transactions roll back, committed data is flushed. */
    void stop();

    /** Creates {@code database} unless it exists. */
    void createDatabase(String database);
}
