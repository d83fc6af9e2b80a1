package io.tidemark.sink.pipeline;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.ExternalTools;
import io.tidemark.testkit.SecuredPostgres;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A target that accepts only TLS and a password login: the sink connects with {@code sslmode=verify-full} against the
 * CA that signed the server's certificate, with its password coming from Connect's {@code FileConfigProvider}; the
 * password shows in no log line, REST response or error. A CA that signed nothing of the server fails the task with
 * the certificate error at once, rather than retrying or falling back to plain text.
 */
class SecuredTargetIT {

    private static final String PASSWORD = "canary-secret-5d2b";
    private static final JsonConverter JSON = new JsonConverter();
    private static SecuredPostgres target;
    private static ConnectWorld connect;
    private static Path secrets;
    private static long logStart;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(System.getenv("CI") != null || ExternalTools.succeeds("openssl", "version"),
                "openssl is missing: it makes the test's certificates (CI installs it)");
        JSON.configure(Map.of("schemas.enable", "true"), false);
        Path log = Path.of("target", "test.log");
        logStart = Files.exists(log) ? Files.size(log) : 0;
        target = new SecuredPostgres(PASSWORD);
        secrets = Files.createTempFile("tidemark-secrets", ".properties");
        Files.writeString(secrets, "password=" + PASSWORD + "\n");
        connect = ConnectWorld.start("secured", 1, Map.of("config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"));
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
        if (target != null) {
            target.close();
        }
    }

    private static Map<String, String> sink(String topic, String sslOptions) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        config.put("topics", topic);
        config.put("connection.url", target.jdbcUrl(sslOptions));
        config.put("connection.user", SecuredPostgres.USER);
        config.put("connection.password", "${file:" + secrets + ":password}");
        config.put("max.retries", "2");
        config.put("retry.backoff.ms", "200");
        return config;
    }

    private static void produce(String topic, int rows) {
        connect.cluster().kafka().createTopic(topic, 1);
        DebeziumEvents events = new DebeziumEvents(topic, 0, 0);
        try (KafkaProducer<byte[], byte[]> producer = connect.cluster().kafka().createProducer(Map.of())) {
            for (int id = 1; id <= rows; id++) {
                SinkRecord insert = events.insert(id, "n" + id, id, 1000 + id, id);
                producer.send(new ProducerRecord<>(topic, 0, JSON.fromConnectData(topic, insert.keySchema(), insert.key()),
                        JSON.fromConnectData(topic, insert.valueSchema(), insert.value())));
            }
        }
    }

    @Test
    void withVerifyFullAndThePasswordFromAConfigProviderTheSinkAppliesAndThePasswordShowsNowhere() throws Exception {
        String topic = "secured.public.items";
        produce(topic, 100);
        connect.postConnector("secured-sink", sink(topic, "sslmode=verify-full&sslrootcert=" + target.ca()));
        Await.until("100 rows in the TLS-only target", Duration.ofSeconds(90), () -> rows("items"), n -> n == 100);
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)"
                     + " WHERE usename = '" + SecuredPostgres.USER + "' AND NOT ssl")) {
            rs.next();
            assertThat(rs.getLong(1)).as("sink connections without TLS").isZero();
        }

        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/connectors/secured-sink", "/connectors/secured-sink/config",
                "/connectors/secured-sink/status", "/connectors/secured-sink/tasks"}) {
            String body = http.send(HttpRequest.newBuilder(URI.create(connect.cluster().endpointForResource(path.substring(1))))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).as(path).doesNotContain(PASSWORD);
        }
        assertThat(logSinceStart()).doesNotContain(PASSWORD);
        connect.deleteConnector("secured-sink");
    }

    @Test
    void aCaThatDidNotSignTheServersCertificateFailsTheTaskWithTheCertificateErrorAndNeverInPlainText() throws Exception {
        String topic = "untrusted.public.items";
        produce(topic, 10);
        Map<String, String> config = sink(topic, "sslmode=verify-full&sslrootcert=" + target.otherCa());
        config.put("table.name.format", "untrusted_items");
        connect.postConnector("untrusted-sink", config);
        String trace = Await.until("the task to fail", Duration.ofSeconds(120),
                () -> connect.cluster().connectorStatus("untrusted-sink").tasks().get(0),
                t -> "FAILED".equals(t.state())).trace();
        String message = trace.lines().findFirst().orElseThrow();
        assertThat(message).as("the first line of the trace").contains("SSL error: PKIX path building failed")
                .doesNotContain("giving up after");
        assertThat(trace).doesNotContain(PASSWORD);
        assertThat(rows("untrusted_items")).isZero();
        assertThat(logSinceStart()).doesNotContain(PASSWORD);
        connect.deleteConnector("untrusted-sink");
    }

    private static long rows(String table) {
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return 0;
            }
            try (ResultSet count = s.executeQuery("SELECT count(*) FROM " + table)) {
                count.next();
                return count.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String logSinceStart() throws Exception {
        byte[] log = Files.readAllBytes(Path.of("target", "test.log"));
        return new String(log, (int) logStart, log.length - (int) logStart, StandardCharsets.UTF_8);
    }
}
