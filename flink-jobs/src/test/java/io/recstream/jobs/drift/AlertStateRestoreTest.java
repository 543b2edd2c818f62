package io.recstream.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.SignalValue;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Alert states carry over a restore: the alert operator (on RocksDB, as in the job) fires, its
 * state is snapshotted as a savepoint would take it, and a new instance restored from the snapshot
 * resolves the alert when the signal comes back, without firing it again. A new instance without
 * the snapshot stays silent: it never knew the alert was firing.
 */
class AlertStateRestoreTest {

    private static final String SIGNAL = "input_category_kl";
    private static final long WINDOW = 60_000;
    private static final Map<String, AlertRule> RULES =
            Map.of(SIGNAL, new AlertRule(0.2, 0.1, 2, 2, 0, 10));

    private static KeyedOneInputStreamOperatorTestHarness<String, SignalValue, SignalValue>
            harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, SignalValue, SignalValue> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AlertFunction(RULES)),
                        v -> v.getSignal() + "|" + v.getModelVersion() + "|" + v.getStrategy(),
                        Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static SignalValue value(double v, int window) {
        return new SignalValue(
                SIGNAL, "v1", "ALL", v, 1_000, window * WINDOW, (window + 1) * WINDOW, 0, 0);
    }

    private static List<DriftAlert> alerts(
            KeyedOneInputStreamOperatorTestHarness<String, SignalValue, SignalValue> h) {
        var out = h.getSideOutput(AlertFunction.ALERTS);
        return out == null ? List.of() : out.stream().map(r -> r.getValue()).toList();
    }

    @Test
    void aFiringAlertResolvesAfterARestoreAndOnlyThen() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            before.processElement(value(0.5, 0), 0);
            before.processElement(value(0.6, 1), 0);
            assertThat(alerts(before))
                    .extracting(DriftAlert::getState)
                    .containsExactly(AlertState.FIRING);
            snapshot = before.snapshot(1L, 1L);
        }

        try (var restored = harness()) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(value(0.3, 2), 0); // still above exit
            restored.processElement(value(0.05, 3), 0);
            restored.processElement(value(0.04, 4), 0);
            assertThat(alerts(restored))
                    .as("the restored state knew the alert was firing")
                    .extracting(DriftAlert::getState)
                    .containsExactly(AlertState.RESOLVED);
        }

        try (var fresh = harness()) {
            fresh.open();
            fresh.processElement(value(0.3, 2), 0);
            fresh.processElement(value(0.05, 3), 0);
            fresh.processElement(value(0.04, 4), 0);
            assertThat(alerts(fresh)).as("without the state nothing was firing").isEmpty();
        }
    }
}
