package io.recstream.testing;

import io.recstream.kafka.embedded.EmbeddedKafka;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kafka broker of an integration test class, as a JUnit extension:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();
 * ... KAFKA.bootstrapServers() ...
 * }</pre>
 *
 * <p>Which broker is chosen by the system property {@value #PROPERTY}: {@code embedded} (the
 * default) is Kafka's own KRaft broker inside the test JVM; {@code container} is the pinned {@value
 * #IMAGE} image through Testcontainers. Without a Docker engine the container broker skips the test
 * class (JUnit reports it as aborted) rather than failing it. The same test code runs on either:
 * {@code ./mvnw -B verify -Pcontainer-broker} runs every end-to-end test on the container.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    /** The system property that picks the broker. */
    public static final String PROPERTY = "recstream.test.broker";

    /** The pinned image of the container broker: the same Kafka version as the clients. */
    public static final String IMAGE = "apache/kafka:4.2.0";

    /** The two brokers. */
    public enum Kind {
        EMBEDDED,
        CONTAINER;

        /** The kind named by {@value #PROPERTY}, {@code embedded} when unset. */
        public static Kind configured() {
            String value = System.getProperty(PROPERTY, "embedded").trim();
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + " must be embedded or container, got '" + value + "'");
            }
        }
    }

    /** A started broker. */
    public interface Running extends AutoCloseable {
        String bootstrapServers();

        @Override
        void close();
    }

    private final Kind kind;
    private Running running;

    /** The broker chosen by {@value #PROPERTY}. */
    public KafkaBroker() {
        this(Kind.configured());
    }

    public KafkaBroker(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Starts a broker of {@code kind}; aborts the calling test (a skip) when {@code kind} is {@code
     * CONTAINER} and no Docker engine is reachable.
     */
    public static Running start(Kind kind) {
        return switch (kind) {
            case EMBEDDED -> {
                EmbeddedKafka kafka = EmbeddedKafka.start();
                yield new Running() {
                    @Override
                    public String bootstrapServers() {
                        return kafka.bootstrapServers();
                    }

                    @Override
                    public void close() {
                        kafka.close();
                    }
                };
            }
            case CONTAINER -> {
                Assumptions.assumeTrue(
                        DockerClientFactory.instance().isDockerAvailable(),
                        "the container broker needs a Docker engine, and none is reachable");
                KafkaContainer container =
                        new KafkaContainer(DockerImageName.parse(IMAGE))
                                // the settings the embedded broker has: one node, no waiting
                                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
                container.start();
                yield new Running() {
                    @Override
                    public String bootstrapServers() {
                        return container.getBootstrapServers();
                    }

                    @Override
                    public void close() {
                        container.stop();
                    }
                };
            }
        };
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running = start(kind);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    /** The broker's bootstrap servers; only while the test class runs. */
    public String bootstrapServers() {
        if (running == null) {
            throw new IllegalStateException("the " + kind + " Kafka broker is not running");
        }
        return running.bootstrapServers();
    }
}
