package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.kafka.embedded.SelfSignedTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The same as {@link SaslScramITCase} against a broker that requires TLS and SASL/SCRAM (SASL_SSL)
 * with a certificate made by keytool; and a client whose trust store does not hold the broker's
 * certificate is refused at once with an error that names the trust-store settings.
 */
class SaslScramTlsITCase extends SaslScramITCase {

    @Override
    EmbeddedKafka startBroker(Map<String, String> users) {
        return EmbeddedKafka.startWithScramOverTls(users, tmp.resolve("tls"));
    }

    @Override
    List<String> otherSecrets() {
        return List.of(kafka.tls().trustStorePassword(), kafka.tls().keyStorePassword());
    }

    @Test
    void aTrustStoreWithoutTheBrokersCertificateFailsFastNamingTheTrustStore() throws Exception {
        assertThat(kafka.clientSecurityProperties("app", APP_PASSWORD))
                .containsEntry("security.protocol", "SASL_SSL");
        SelfSignedTls stranger = SelfSignedTls.create(tmp.resolve("stranger"));
        Properties p = new Properties();
        p.putAll(kafka.clientSecurityProperties("app", APP_PASSWORD));
        p.putAll(stranger.clientProperties());
        Path untrusted = tmp.resolve("untrusted.properties");
        try (var out = Files.newOutputStream(untrusted)) {
            p.store(out, null);
        }

        Cli.Result apply = topicsApply(untrusted);
        assertThat(apply.exitCode()).as("topics apply with an untrusted certificate").isNotZero();
        assertThat(apply.err())
                .contains("error: Kafka: the TLS handshake with the broker failed")
                .contains("ssl.truststore.location");

        try (EmbeddedFlink flink = EmbeddedFlink.start(1)) {
            RecommendJobConfig config =
                    RecommendJobConfig.fromArgs(
                            EmbeddedFlink.jobArgs(
                                    kafka.bootstrapServers(),
                                    untrusted,
                                    model.toString(),
                                    "1s",
                                    1));
            assertThatThrownBy(() -> flink.submitRecommend(config))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the TLS handshake with Kafka at --bootstrap-servers")
                    .hasMessageContaining("in --command-config " + untrusted)
                    .hasMessageNotContaining(stranger.trustStorePassword());
        }
    }
}
