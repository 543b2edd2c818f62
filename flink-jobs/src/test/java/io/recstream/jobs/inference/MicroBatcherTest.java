package io.recstream.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.testing.TestModels;
import io.recstream.model.OnnxScorer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared batcher with a real ONNX model: results reach the subtasks that still take them. */
class MicroBatcherTest {

    @TempDir static Path tmp;
    private static Path model;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(tmp.resolve("model"), 5L, "batcher");
    }

    private static long inOneMinute() {
        return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    /** A callback that completes {@code done} with the top item's index. */
    private static MicroBatcher.Callback into(CompletableFuture<Integer> done) {
        return new MicroBatcher.Callback() {
            @Override
            public void scored(OnnxScorer.Scores scores, int row) {
                done.complete(scores.indices()[row * scores.k()]);
            }

            @Override
            public void failed(Throwable error) {
                done.completeExceptionally(error);
            }
        };
    }

    @Test
    void aSubtaskThatClosedWhileItsRequestWasQueuedDoesNotStopTheSharedWorker() throws Exception {
        // one worker, shared by every subtask with these settings, as in a TaskManager
        MicroBatcher.Settings settings =
                new MicroBatcher.Settings(model.toString(), 8, 1_000, 1, 1);
        MicroBatcher batcher = MicroBatcher.acquire(settings);
        try {
            AtomicInteger failedCalls = new AtomicInteger();
            CompletableFuture<Integer> closedSubtaskSaw = new CompletableFuture<>();
            // a cancelled subtask's mailbox rejects the result, as Flink's AsyncWaitOperator does
            batcher.submit(
                    new int[] {1, 2},
                    new float[] {1f, 1f},
                    inOneMinute(),
                    new MicroBatcher.Callback() {
                        @Override
                        public void scored(OnnxScorer.Scores scores, int row) {
                            closedSubtaskSaw.complete(row);
                            throw new RejectedExecutionException("Mailbox is in state CLOSED");
                        }

                        @Override
                        public void failed(Throwable error) {
                            failedCalls.incrementAndGet();
                            throw new RejectedExecutionException("Mailbox is in state CLOSED");
                        }
                    });
            assertThat(closedSubtaskSaw.get(30, TimeUnit.SECONDS)).isZero();

            // a worker that died on the rejection would leave these unanswered
            for (int i = 0; i < 3; i++) {
                CompletableFuture<Integer> live = new CompletableFuture<>();
                batcher.submit(
                        new int[] {3, 4, 5},
                        new float[] {1f, 0.5f, 0.25f},
                        inOneMinute(),
                        into(live));
                assertThat(live.get(10, TimeUnit.SECONDS))
                        .as("request %d after the rejected result is still scored", i)
                        .isBetween(0, 59);
            }
            assertThat(failedCalls).as("a rejected result is not a failed batch").hasValue(0);
        } finally {
            batcher.release();
        }
    }
}
