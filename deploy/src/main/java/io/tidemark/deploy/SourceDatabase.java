package io.tidemark.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The database the local stack captures changes from ({@code --source}): the server it runs, the Debezium connector
 * that reads it, and the demo shop's schema in its SQL. A stack home holds the data of one source for good.
 */
enum SourceDatabase {

    POSTGRES("postgres", "PostgreSQL", "wal_level=logical", "shop-postgres-source", "debezium-connector-postgres",
            "demo/shop-schema.sql", 15432, "postgres", DemoShop.Sql.POSTGRES),
    MARIADB("mariadb", "MariaDB", "row-based binlog", "shop-mariadb-source", "debezium-connector-mysql",
            "demo/shop-schema-mariadb.sql", 13306, "tidemark", DemoShop.Sql.MARIADB);

    /** The source server's data directory and log under the stack home, whichever database it is. */
    static final String SERVER_NAME = "source-db";

    private final String option;
    private final String title;
    private final String captureSetting;
    private final String connector;
    private final String pluginFolder;
    private final String schemaFile;
    private final int defaultPort;
    private final String defaultUser;
    private final DemoShop.Sql shopSql;

    SourceDatabase(String option, String title, String captureSetting, String connector, String pluginFolder,
                   String schemaFile, int defaultPort, String defaultUser, DemoShop.Sql shopSql) {
        this.option = option;
        this.title = title;
        this.captureSetting = captureSetting;
        this.connector = connector;
        this.pluginFolder = pluginFolder;
        this.schemaFile = schemaFile;
        this.defaultPort = defaultPort;
        this.defaultUser = defaultUser;
        this.shopSql = shopSql;
    }

    /** The source {@code --source name} asks for; an unknown name fails listing the known ones. */
    static SourceDatabase named(String name) {
        return Arrays.stream(values()).filter(s -> s.option.equals(name)).findFirst().orElseThrow(() ->
                new StackException("--source must be one of " + Arrays.stream(values()).map(s -> s.option)
                        .collect(Collectors.joining(", ")) + ", not '" + name + "'"));
    }

    /** The source whose data {@code home} holds, told by its data directory; empty for a stack not created yet. */
    static Optional<SourceDatabase> createdIn(Path home) {
        Path data = home.resolve(SERVER_NAME);
        if (Files.exists(data.resolve("PG_VERSION"))) {
            return Optional.of(POSTGRES);
        }
        if (Files.isDirectory(data.resolve("mysql"))) {
            return Optional.of(MARIADB);
        }
        return Optional.empty();
    }

    /** The name {@code --source} takes. */
    String option() {
        return option;
    }

    String title() {
        return title;
    }

    /** The server setting change data capture reads, for the start-up line. */
    String captureSetting() {
        return captureSetting;
    }

    /** The name of the Debezium source connector, and of its JSON in deploy/connectors. */
    String connector() {
        return connector;
    }

    /** The plugin folder of the Debezium connector the deploy build lays out on the worker's plugin.path. */
    String pluginFolder() {
        return pluginFolder;
    }

    /** The demo shop's tables in this database's SQL, relative to the deploy module. */
    String schemaFile() {
        return schemaFile;
    }

    int defaultPort() {
        return defaultPort;
    }

    /** The stack's database login when {@code SOURCE_DB_USER} does not name one. */
    String defaultUser() {
        return defaultUser;
    }

    DemoShop.Sql shopSql() {
        return shopSql;
    }
}
