package io.recstream.jobs.serde;

import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.RawRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Validates Kafka records as they are read: a valid record comes out as {@code Right}, an invalid
 * one as a {@code Left} dead letter with its reason and coordinates. Never throws on input.
 * Validating in the source lets the source assign event time and watermarks per partition.
 */
public final class ValidatingDeserializer<T>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private final RecordFormat<T> format;
    private final ValidationRules rules;
    private transient RecordParser<T> parser;

    public ValidatingDeserializer(RecordFormat<T> format, ValidationRules rules) {
        this.format = format;
        this.rules = rules;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = format.parser(rules, System::currentTimeMillis);
    }

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out) {
        if (parser == null) {
            parser = format.parser(rules, System::currentTimeMillis);
        }
        if (record.value() == null) {
            T tombstone = format.tombstone(record.key(), record.timestamp());
            if (tombstone != null) {
                out.collect(Either.Right(tombstone));
                return;
            }
        }
        ParseResult<T> result =
                parser.parse(
                        new RawRecord(
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                record.timestamp(),
                                record.value()));
        out.collect(
                result.isValid() ? Either.Right(result.value()) : Either.Left(result.deadLetter()));
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return typeOf(format);
    }

    public static <T> TypeInformation<Either<DeadLetter, T>> typeOf(RecordFormat<T> format) {
        return new EitherTypeInfo<>(
                TypeInformation.of(DeadLetter.class), TypeInformation.of(format.type()));
    }
}
