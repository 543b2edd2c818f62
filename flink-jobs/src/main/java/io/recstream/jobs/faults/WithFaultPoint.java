package io.recstream.jobs.faults;

import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * A function that reports its snapshots and completed checkpoints to {@link FaultPoints} under
 * {@link #faultPoint()}. It keeps no operator state of its own.
 */
public interface WithFaultPoint extends CheckpointedFunction, CheckpointListener {

    /** The point's name, one of the constants in {@link FaultPoints}. */
    String faultPoint();

    @Override
    default void initializeState(FunctionInitializationContext context) {}

    @Override
    default void snapshotState(FunctionSnapshotContext context) throws Exception {
        FaultPoints.snapshot(faultPoint(), context.getCheckpointId());
    }

    @Override
    default void notifyCheckpointComplete(long checkpointId) {
        FaultPoints.checkpointComplete(faultPoint(), checkpointId);
    }
}
