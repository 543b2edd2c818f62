package io.recstream.jobs.serde;

import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.RawRecord;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.Vocabulary;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Validates raw interaction records. Valid ones go on with their vocabulary index; invalid ones go
 * to the {@link #DEAD_LETTERS} side output. Counts records in, valid, and dead-lettered by reason.
 */
public final class ParseFunction extends ProcessFunction<RawRecord, Interaction> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final ValidationRules rules;
    private final String modelDirectory;

    private transient InteractionParser parser;
    private transient Vocabulary vocabulary;
    private transient Counter in;
    private transient Counter valid;
    private transient Counter unknownItems;
    private transient Map<DeadLetterReason, Counter> rejected;

    public ParseFunction(ValidationRules rules, String modelDirectory) {
        this.rules = rules;
        this.modelDirectory = modelDirectory;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new InteractionParser(rules, System::currentTimeMillis);
        vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
        var metrics = getRuntimeContext().getMetricGroup().addGroup("recstream");
        in = metrics.counter("eventsIn");
        valid = metrics.counter("eventsValid");
        unknownItems = metrics.counter("unknownItems");
        rejected = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            rejected.put(r, metrics.addGroup("reason", r.name()).counter("deadLetters"));
        }
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<Interaction> out) {
        in.inc();
        ParseResult<Interaction> result = parser.parse(record);
        if (result.isValid()) {
            Interaction i = result.value();
            i.setItemIndex(vocabulary.indexOf(i.getItemId()));
            if (i.getItemIndex() < 0) {
                unknownItems.inc();
            }
            valid.inc();
            out.collect(i);
        } else {
            rejected.get(result.deadLetter().getReason()).inc();
            ctx.output(DEAD_LETTERS, result.deadLetter());
        }
    }
}
