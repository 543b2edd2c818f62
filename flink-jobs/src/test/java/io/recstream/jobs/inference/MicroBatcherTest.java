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

/** The shared batcher with a real ONNX model: results reach the subtasks that still take them. */
class MicroBatcherTest {

    private static Path model;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(5L, "batcher");
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

    /** Where one request's result came: its batch (the scores object) and row, and when. */
    private record Delivery(int request, OnnxScorer.Scores batch, int row, long atNanos) {}

    private static MicroBatcher.Callback recordInto(
            java.util.List<Delivery> deliveries, int request) {
        return new MicroBatcher.Callback() {
            @Override
            public void scored(OnnxScorer.Scores scores, int row) {
                deliveries.add(new Delivery(request, scores, row, System.nanoTime()));
            }

            @Override
            public void failed(Throwable error) {
                throw new AssertionError("request " + request + " failed", error);
            }
        };
    }

    @Test
    void fullBatchesRunAtOnceAndARemainderRunsOnceTheMaximumWaitIsOver() throws Exception {
        long maxWaitMicros = 400_000;
        MicroBatcher b =
                MicroBatcher.acquire(
                        new MicroBatcher.Settings(model.toString(), 4, maxWaitMicros, 1, 1));
        java.util.List<Delivery> deliveries =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try {
            long submitted = System.nanoTime();
            for (int i = 0; i < 11; i++) {
                b.submit(
                        new int[] {i % 5},
                        new float[] {1f},
                        inOneMinute(),
                        recordInto(deliveries, i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (deliveries.size() < 11 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(deliveries).hasSize(11);
            // batches in the order the one worker ran them
            java.util.List<java.util.List<Delivery>> batches = new java.util.ArrayList<>();
            for (Delivery d : deliveries) {
                if (batches.isEmpty()
                        || batches.get(batches.size() - 1).get(0).batch() != d.batch()) {
                    batches.add(new java.util.ArrayList<>());
                }
                batches.get(batches.size() - 1).add(d);
            }
            assertThat(batches).extracting(java.util.List::size).containsExactly(4, 4, 3);
            for (java.util.List<Delivery> batch : batches) {
                assertThat(batch)
                        .as("one row each, in the order submitted")
                        .extracting(Delivery::row)
                        .containsExactly(
                                java.util.stream.IntStream.range(0, batch.size())
                                        .boxed()
                                        .toArray(Integer[]::new));
            }
            assertThat(deliveries).extracting(Delivery::request).isSorted();
            long remainderAfterMicros = (batches.get(2).get(0).atNanos() - submitted) / 1_000;
            assertThat(remainderAfterMicros)
                    .as("the three left over waited the maximum wait for a fourth")
                    .isGreaterThanOrEqualTo(maxWaitMicros);
        } finally {
            b.release();
        }
    }

    @Test
    void aRequestWhoseDeadlineHasPassedIsSkippedAndTheOthersAreScored() throws Exception {
        MicroBatcher b =
                MicroBatcher.acquire(new MicroBatcher.Settings(model.toString(), 8, 500_000, 1, 1));
        java.util.List<Delivery> deliveries =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        double expiredBefore =
                io.recstream.jobs.metrics.Metrics.counter(
                                "recstream.inference.expired",
                                "requests skipped because their deadline had passed")
                        .count();
        try {
            b.submit(new int[] {1}, new float[] {1f}, inOneMinute(), recordInto(deliveries, 0));
            b.submit(
                    new int[] {2},
                    new float[] {1f},
                    System.nanoTime() - 1,
                    recordInto(deliveries, 1));
            b.submit(new int[] {3}, new float[] {1f}, inOneMinute(), recordInto(deliveries, 2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (deliveries.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200); // time for a wrong third delivery to show
            assertThat(deliveries).extracting(Delivery::request).containsExactly(0, 2);
            assertThat(deliveries.get(0).batch())
                    .as("the two live requests in one batch")
                    .isSameAs(deliveries.get(1).batch());
            assertThat(
                            io.recstream.jobs.metrics.Metrics.counter(
                                                    "recstream.inference.expired",
                                                    "requests skipped because their deadline had passed")
                                            .count()
                                    - expiredBefore)
                    .isEqualTo(1.0);
        } finally {
            b.release();
        }
    }
}
