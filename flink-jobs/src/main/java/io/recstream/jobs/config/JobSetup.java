package io.recstream.jobs.config;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.serde.RecordFormat;
import io.recstream.jobs.serde.SplitValid;
import io.recstream.jobs.serde.ValidatingDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.rocksdb.CompressionType;

/** Environment, sources and sinks as every recstream job sets them up. */
public final class JobSetup {
    private JobSetup() {}

    /**
     * Job-level settings: RocksDB state backend with incremental checkpoints (level 0 uncompressed,
     * two flush threads, 4 MB memtables), exactly-once checkpoints at the configured interval,
     * fixed-delay restarts, max parallelism, no Kryo, object reuse.
     */
    public static void configure(StreamExecutionEnvironment env, KafkaJobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Every checkpoint flushes each RocksDB memtable to a new level-0 file while the task
        // waits (its synchronous phase), and the users read next are mostly in those files.
        // Level 0 uncompressed: the flush does not compress and those reads do not decompress;
        // compaction compresses from level 1 on.
        conf.set(
                RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL,
                List.of(CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION));
        // 8 background jobs give RocksDB two flush threads (a quarter of them) instead of one, so
        // one state's checkpoint flush does not queue behind another's.
        conf.set(RocksDBConfigurableOptions.MAX_BACKGROUND_THREADS, 8);
        // 4 MB memtables (RocksDB's default is 64 MB) are flushed in the background as they
        // fill, so a checkpoint's synchronous flush finds at most a few MB left to write.
        conf.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, MemorySize.ofMebiBytes(4));
        if (config.checkpointStorage != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointStorage);
        }
        conf.set(PipelineOptions.GENERIC_TYPES, false); // no Kryo: every type has a serializer
        // Chained operators hand records on instead of deep-copying them. Safe because no
        // function keeps a record it was given, none changes a record after emitting it, and the
        // one that changes its input (the vocabulary index) is that record's only consumer.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                config.restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, config.restartDelay);
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, config.bufferTimeout);
        config.flinkConf.forEach(conf::setString);
        env.configure(conf, JobSetup.class.getClassLoader());
        env.enableCheckpointing(
                config.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setMaxParallelism(config.maxParallelism);
        if (config.parallelism != null) {
            env.setParallelism(config.parallelism);
        }
    }

    /**
     * A source of validated records of {@code format} from {@code topic}, read_committed, offsets
     * committed on checkpoints. Invalid records come out as {@code Left} dead letters.
     */
    public static <T> KafkaSource<Either<DeadLetter, T>> kafkaSource(
            KafkaJobConfig config, String topic, RecordFormat<T> format) {
        OffsetsInitializer start =
                switch (config.startingOffsets) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    case "committed-or-earliest" ->
                            OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                    default ->
                            OffsetsInitializer.timestamp(
                                    Long.parseLong(
                                            config.startingOffsets.substring(
                                                    "timestamp:".length())));
                };
        Properties props = config.kafkaClientProperties();
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("commit.offsets.on.checkpoint", "true");
        return KafkaSource.<Either<DeadLetter, T>>builder()
                .setProperties(props)
                .setBootstrapServers(config.bootstrapServers)
                .setTopics(topic)
                .setGroupId(config.groupId)
                .setClientIdPrefix(config.groupId + "-" + topic)
                .setStartingOffsets(start)
                .setDeserializer(new ValidatingDeserializer<>(format, config.validation))
                .build();
    }

    /**
     * A source of the validated item catalogue from {@code topic}: the whole topic from its start
     * on a fresh start (it is compacted: that is the catalogue), read_committed. Subscribed by
     * pattern, so a job whose catalogue topic does not exist yet runs, and reads it once it does.
     */
    public static KafkaSource<Either<DeadLetter, CatalogueItem>> catalogueSource(
            KafkaJobConfig config, String topic) {
        Properties props = config.kafkaClientProperties();
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("commit.offsets.on.checkpoint", "true");
        props.setProperty("partition.discovery.interval.ms", "60000");
        return KafkaSource.<Either<DeadLetter, CatalogueItem>>builder()
                .setProperties(props)
                .setBootstrapServers(config.bootstrapServers)
                .setTopicPattern(
                        java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topic)))
                .setGroupId(config.groupId)
                .setClientIdPrefix(config.groupId + "-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ValidatingDeserializer<>(RecordFormat.ITEM, config.validation))
                .build();
    }

    /**
     * Reads a broadcast-side source of validated records (the catalogue): it is always idle, so it
     * never holds back the event time of the streams it is connected with. Dead letters are split
     * off as in {@link #validated}.
     */
    public static <T> SingleOutputStreamOperator<T> validatedBroadcastSide(
            StreamExecutionEnvironment env,
            Source<Either<DeadLetter, T>, ?, ?> source,
            RecordFormat<T> format,
            KafkaJobConfig config,
            String name) {
        // Watermark status comes from an operator after the source, not from the source: a source
        // subtask without a partition (the catalogue has one) would not say it is idle.
        WatermarkStrategy<Either<DeadLetter, T>> strategy =
                WatermarkStrategy.<Either<DeadLetter, T>>forGenerator(ctx -> new AlwaysIdle<>())
                        .withTimestampAssigner(
                                (record, previous) ->
                                        record.isRight()
                                                ? format.eventTime(record.right())
                                                : previous);
        return env.fromSource(
                        source,
                        WatermarkStrategy.noWatermarks(),
                        "Kafka: " + name,
                        ValidatingDeserializer.typeOf(format))
                .uid(name + "-source")
                .assignTimestampsAndWatermarks(strategy)
                .uid(name + "-watermarks")
                .name("Idle event time: " + name)
                .process(
                        new SplitValid<>(format, config.metricsBind, config.metricsPort),
                        TypeInformation.of(format.type()))
                .uid(name + "-validate")
                .name("Validate " + name);
    }

    /**
     * Watermarks of a broadcast side: none, and the stream is idle, so the other input alone
     * decides the event time. (The largest watermark instead would carry event time to its end
     * whenever the other input goes idle, and fire every timer downstream.)
     */
    private static final class AlwaysIdle<T>
            implements org.apache.flink.api.common.eventtime.WatermarkGenerator<T> {
        @Override
        public void onEvent(
                T event,
                long eventTimestamp,
                org.apache.flink.api.common.eventtime.WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(org.apache.flink.api.common.eventtime.WatermarkOutput output) {
            output.markIdle();
        }
    }

    /**
     * Reads a source of validated records with event time and watermarks assigned per Kafka
     * partition (bounded out-of-orderness, idle partitions do not hold event time back), and splits
     * off the dead letters ({@link SplitValid#DEAD_LETTERS}).
     *
     * @param name names the operators and their uids: {@code <name>-source}, {@code
     *     <name>-validate}
     */
    public static <T> SingleOutputStreamOperator<T> validated(
            StreamExecutionEnvironment env,
            Source<Either<DeadLetter, T>, ?, ?> source,
            RecordFormat<T> format,
            KafkaJobConfig config,
            String name) {
        WatermarkStrategy<Either<DeadLetter, T>> strategy =
                WatermarkStrategy.<Either<DeadLetter, T>>forBoundedOutOfOrderness(
                                config.outOfOrderness)
                        .withTimestampAssigner(
                                (record, kafkaTime) ->
                                        record.isRight()
                                                ? format.eventTime(record.right())
                                                : Long.MIN_VALUE)
                        .withIdleness(config.idleness);
        // All sources of a job share one alignment group, so the monitor's three topics also
        // advance together.
        WatermarkStrategy<Either<DeadLetter, T>> watermarks =
                config.maxDrift == null
                        ? strategy
                        : strategy.withWatermarkAlignment(
                                "recstream-" + config.groupId,
                                config.maxDrift,
                                Duration.ofMillis(200));
        return env.fromSource(
                        source, watermarks, "Kafka: " + name, ValidatingDeserializer.typeOf(format))
                .uid(name + "-source")
                .process(
                        new SplitValid<>(format, config.metricsBind, config.metricsPort),
                        TypeInformation.of(format.type()))
                .uid(name + "-validate")
                .name("Validate " + name);
    }

    /**
     * A Kafka sink with the configured delivery guarantee and transaction timeout, whose writers
     * survive an unreachable broker on close ({@link QuietCloseKafkaSink}).
     */
    public static <T> org.apache.flink.api.connector.sink2.Sink<T> kafkaSink(
            KafkaJobConfig config,
            KafkaRecordSerializationSchema<T> serializer,
            String transactionalIdPrefix) {
        Properties props = config.kafkaClientProperties();
        props.setProperty(
                "transaction.timeout.ms", Long.toString(config.transactionTimeout.toMillis()));
        return new QuietCloseKafkaSink<>(
                KafkaSink.<T>builder()
                        .setBootstrapServers(config.bootstrapServers)
                        .setKafkaProducerConfig(props)
                        .setRecordSerializer(serializer)
                        .setDeliveryGuarantee(
                                config.exactlyOnce
                                        ? DeliveryGuarantee.EXACTLY_ONCE
                                        : DeliveryGuarantee.AT_LEAST_ONCE)
                        .setTransactionalIdPrefix(transactionalIdPrefix)
                        .build());
    }
}
