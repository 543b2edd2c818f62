package io.recstream.jobs.testing;

import io.recstream.jobs.faults.FaultPoints;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fails one operator once, at a chosen moment relative to its checkpoints:
 *
 * <ul>
 *   <li>{@link When#AFTER_COMPLETED_CHECKPOINT}: a number of records after the operator heard a
 *       checkpoint complete, with their output in open transactions;
 *   <li>{@link When#DURING_CHECKPOINT}: on the first record after the operator took its snapshot of
 *       a checkpoint (its synchronous phase) and before that checkpoint completed, so the
 *       checkpoint's asynchronous phase is still uploading the state.
 * </ul>
 *
 * Both wait for a first completed checkpoint, so the restart has one to go back to. Checkpoint
 * progress is followed per subtask (per task thread).
 */
public final class InjectedFailure implements FaultPoints.Hook {

    public enum When {
        AFTER_COMPLETED_CHECKPOINT,
        DURING_CHECKPOINT
    }

    private final String point;
    private final When when;
    private final int recordsAfterCheckpoint;
    // Per subtask: a subtask's records, snapshots and checkpoint notifications all run on its task
    // thread.
    private final Map<Thread, Long> snapshotted = new ConcurrentHashMap<>();
    private final Map<Thread, Long> completed = new ConcurrentHashMap<>();
    private final AtomicInteger recordsSinceCompleted = new AtomicInteger();
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile long failedWhileCompleted = -1;
    private volatile long failedWhileInFlight = -1;

    public InjectedFailure(String point, When when, int recordsAfterCheckpoint) {
        this.point = point;
        this.when = when;
        this.recordsAfterCheckpoint = recordsAfterCheckpoint;
    }

    @Override
    public void onRecord(String at) {
        if (!at.equals(point) || fired.get()) {
            return;
        }
        long done = completed.getOrDefault(Thread.currentThread(), -1L);
        if (done < 1) {
            return;
        }
        switch (when) {
            case AFTER_COMPLETED_CHECKPOINT -> {
                if (recordsSinceCompleted.incrementAndGet() >= recordsAfterCheckpoint
                        && fired.compareAndSet(false, true)) {
                    failedWhileCompleted = done;
                    throw new InjectedException(
                            "injected failure in " + point + " after checkpoint " + done);
                }
            }
            case DURING_CHECKPOINT -> {
                long taken = snapshotted.getOrDefault(Thread.currentThread(), -1L);
                if (taken > done && fired.compareAndSet(false, true)) {
                    failedWhileInFlight = taken;
                    throw new InjectedException(
                            "injected failure in "
                                    + point
                                    + " while checkpoint "
                                    + taken
                                    + " is in flight");
                }
            }
        }
    }

    @Override
    public void onSnapshot(String at, long checkpointId) throws InterruptedException {
        if (!at.equals(point)) {
            return;
        }
        snapshotted.merge(Thread.currentThread(), checkpointId, Math::max);
        if (when == When.DURING_CHECKPOINT
                && !fired.get()
                && completed.getOrDefault(Thread.currentThread(), -1L) >= 1) {
            // Holds the task in its synchronous phase a moment, so records queue up behind the
            // barrier: the first of them is handled before this checkpoint can complete.
            Thread.sleep(300);
        }
    }

    @Override
    public void onCheckpointComplete(String at, long checkpointId) {
        if (at.equals(point)) {
            completed.merge(Thread.currentThread(), checkpointId, Math::max);
        }
    }

    public boolean fired() {
        return fired.get();
    }

    /** The completed checkpoint the failure came after, or -1. */
    public long failedAfterCheckpoint() {
        return failedWhileCompleted;
    }

    /** The checkpoint whose snapshot was taken and not yet completed at the failure, or -1. */
    public long failedDuringCheckpoint() {
        return failedWhileInFlight;
    }

    /** The injected failure. */
    public static final class InjectedException extends RuntimeException {
        InjectedException(String message) {
            super(message);
        }
    }
}
