package io.tidemark.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server of its own that accepts only TLS connections, with a certificate for {@code localhost} signed by
 * a CA generated for it (openssl), and a database {@link #DATABASE} owned by {@link #USER}, who must log in with a
 * password (scram-sha-256). A second CA, {@link #otherCa()}, signed nothing of it. Connections without TLS are
 * rejected, so a client that fell back to plain text would fail.
 */
public final class SecuredPostgres implements AutoCloseable {

    public static final String DATABASE = "secured";
    public static final String USER = "sink_user";

    private final Path directory;
    private final String password;
    private final EmbeddedPostgres server;

    public SecuredPostgres(String password) {
        this.password = password;
        try {
            directory = Files.createTempDirectory("tidemark-secured-pg");
            certificates();
            Path hba = directory.resolve("pg_hba.conf");
            Files.writeString(hba, String.join("\n",
                    "local all all trust",
                    "hostssl all postgres 127.0.0.1/32 trust",
                    "hostssl all " + USER + " 127.0.0.1/32 scram-sha-256",
                    "host all all 0.0.0.0/0 reject",
                    "host all all ::/0 reject", ""));
            server = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", directory.resolve("server.crt").toString())
                    .setServerConfig("ssl_key_file", directory.resolve("server.key").toString())
                    .setServerConfig("hba_file", hba.toString())
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setConnectConfig("sslmode", "require")
                    .start();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up the secured PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** A CA and a server certificate for localhost (CN and subjectAltName) signed by it, and a second CA. */
    private void certificates() throws IOException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tidemark-test-ca",
                "-keyout", "ca.key", "-out", "ca.crt");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tidemark-other-ca",
                "-keyout", "other-ca.key", "-out", "other-ca.crt");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(directory.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "server.ext", "-out", "server.crt");
        // PostgreSQL refuses a key others can read.
        Files.setPosixFilePermissions(directory.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running openssl", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The CA that signed the server's certificate, PEM. */
    public Path ca() {
        return directory.resolve("ca.crt");
    }

    /** A CA that signed nothing of this server, PEM. */
    public Path otherCa() {
        return directory.resolve("other-ca.crt");
    }

    /** The JDBC URL of {@link #DATABASE} with the given pgjdbc TLS options, e.g. {@code sslmode=verify-full&...}. */
    public String jdbcUrl(String sslOptions) {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE + "?" + sslOptions;
    }

    public String password() {
        return password;
    }

    /** A superuser connection to {@link #DATABASE}, over TLS. */
    public Connection connect() throws SQLException {
        return server.getDatabase("postgres", DATABASE).getConnection();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
