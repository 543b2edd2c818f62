package io.recstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's outage, SASL/SCRAM and SASL/SCRAM-over-TLS modes. */
class EmbeddedKafkaITCase {

    @Test
    void scramBrokerServesTheRightCredentialsAndRefusesWrongOnes() throws Exception {
        try (EmbeddedKafka kafka =
                EmbeddedKafka.startWithScram(Map.of("broker", "broker-secret"))) {
            Map<String, Object> good = client(kafka, "broker", "broker-secret");
            try (Admin admin = Admin.create(good)) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
                assertThat(listedWithin(admin, "t", Duration.ofSeconds(10))).contains("t");
            }
            Map<String, Object> bad = client(kafka, "broker", "wrong");
            try (Admin admin = Admin.create(bad)) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            Map<String, Object> none =
                    new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            none.put("default.api.timeout.ms", "3000");
            none.put("request.timeout.ms", "2000");
            try (Admin admin = Admin.create(none)) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .as("no credentials, no access")
                        .isInstanceOf(ExecutionException.class);
            }
        }
    }

    @Test
    void tlsBrokerServesClientsThatTrustItsCertificateAndRefusesOthers(@TempDir Path certs)
            throws Exception {
        try (EmbeddedKafka kafka =
                EmbeddedKafka.startWithScramOverTls(Map.of("broker", "broker-secret"), certs)) {
            Map<String, Object> good = client(kafka, "broker", "broker-secret");
            assertThat(good).containsEntry("security.protocol", "SASL_SSL");
            try (Admin admin = Admin.create(good)) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
                assertThat(listedWithin(admin, "t", Duration.ofSeconds(10))).contains("t");
            }
            Properties p = new Properties();
            p.putAll(good);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                assertThat(producer.send(new ProducerRecord<>("t", "over tls")).get().offset())
                        .isZero();
            }

            // a client that trusts a different certificate: the handshake fails
            SelfSignedTls stranger = SelfSignedTls.create(certs.resolve("stranger"));
            Map<String, Object> untrusted = new HashMap<>(good);
            untrusted.putAll(stranger.clientProperties());
            try (Admin admin = Admin.create(untrusted)) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SslAuthenticationException.class);
            }
            // the right certificate, the wrong password
            try (Admin admin = Admin.create(client(kafka, "broker", "wrong"))) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            // SASL without TLS on the TLS port: no access
            Map<String, Object> plain = new HashMap<>(good);
            plain.put("security.protocol", "SASL_PLAINTEXT");
            plain.put("default.api.timeout.ms", "3000");
            plain.put("request.timeout.ms", "2000");
            try (Admin admin = Admin.create(plain)) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .isInstanceOf(ExecutionException.class);
            }
        }
    }

    @Test
    void aStoppedBrokerComesBackOnTheSamePortWithItsTransactions() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            }
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("transactional.id", "outage");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "before")).get();
                kafka.stopBroker();
                kafka.startBroker();
                assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
                producer.send(new ProducerRecord<>("t", "after")).get();
                producer.commitTransaction();
            }
        }
    }

    /**
     * The topics the broker lists, asked again until {@code topic} is among them or {@code timeout}
     * passes. A created topic is committed by the controller before the broker that answers has
     * applied it to its metadata, so the first listing can miss it.
     */
    private static Set<String> listedWithin(Admin admin, String topic, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> names = admin.listTopics().names().get();
        while (!names.contains(topic) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            names = admin.listTopics().names().get();
        }
        return names;
    }

    private static Map<String, Object> client(EmbeddedKafka kafka, String user, String password) {
        Map<String, Object> c = new HashMap<>(kafka.clientSecurityProperties(user, password));
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("default.api.timeout.ms", (int) Duration.ofSeconds(10).toMillis());
        c.put("request.timeout.ms", (int) Duration.ofSeconds(5).toMillis());
        return c;
    }
}
