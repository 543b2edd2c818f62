package io.recstream.jobs.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.model.ModelBundle;
import io.recstream.model.OnnxScorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects scoring requests from all subtasks in this JVM and runs them through the model in
 * batches: a worker takes the first waiting request, then waits at most {@code maxWait} for more,
 * up to {@code batchSize}, and scores them with one {@code run()}. One instance per model and
 * settings per JVM ({@link #acquire}), so subtasks share one ONNX session and fill each other's
 * batches.
 */
public final class MicroBatcher {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    /** Receives the result of one request, on a worker thread. */
    public interface Callback {
        /** Row {@code row} of {@code scores} holds this request's candidates. */
        void scored(OnnxScorer.Scores scores, int row);

        void failed(Throwable error);
    }

    /** Settings that identify a shared batcher. */
    public record Settings(
            String modelDirectory,
            int batchSize,
            long maxWaitMicros,
            int threads,
            int intraOpThreads)
            implements java.io.Serializable {}

    private record Pending(
            int[] items, float[] weights, int[] exclude, long expiresAtNanos, Callback callback) {}

    private static final Map<Settings, MicroBatcher> SHARED = new HashMap<>();

    private final Settings settings;
    private final OnnxScorer scorer;
    private final int maxHistory;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    private final DistributionSummary batchSizes =
            Metrics.summary("recstream.inference.batch.size", "requests per ONNX Runtime run");
    private final Timer inferenceTime =
            Metrics.timer("recstream.inference.time", "time of one ONNX Runtime run");
    private final Counter expiredRequests =
            Metrics.counter(
                    "recstream.inference.expired",
                    "requests skipped because their deadline had passed");
    private volatile boolean running = true;
    private int references;

    private MicroBatcher(Settings settings, ModelBundle bundle) {
        this.settings = settings;
        this.scorer = new OnnxScorer(bundle, settings.intraOpThreads());
        this.maxHistory = bundle.card().maxHistory();
        for (int t = 0; t < settings.threads(); t++) {
            Thread w = new Thread(this::work, "recstream-scorer-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
    }

    /** The shared batcher for these settings, created on first use. Pair with {@link #release}. */
    public static synchronized MicroBatcher acquire(Settings settings) {
        MicroBatcher b = SHARED.get(settings);
        if (b == null) {
            b = new MicroBatcher(settings, ModelRegistry.bundle(settings.modelDirectory()));
            SHARED.put(settings, b);
        }
        b.references++;
        return b;
    }

    /** Gives up one reference; the last one stops the workers and closes the session. */
    public void release() {
        synchronized (MicroBatcher.class) {
            if (--references > 0) {
                return;
            }
            SHARED.remove(settings);
        }
        running = false;
        workers.forEach(Thread::interrupt);
        for (Thread w : workers) {
            try {
                w.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        scorer.close();
        LOG.info(
                "Scorer stopped: {} requests in {} batches, {} skipped after their deadline, {}"
                        + " results not taken by a closed subtask",
                scored.get(),
                batches.get(),
                expired.get(),
                undelivered.get());
    }

    public String modelVersion() {
        return scorer.version();
    }

    /**
     * Queues a request; items newest first. Requests still queued at {@code expiresAtNanos} are
     * skipped.
     */
    public void submit(int[] items, float[] weights, long expiresAtNanos, Callback callback) {
        submit(items, weights, new int[0], expiresAtNanos, callback);
    }

    /**
     * As {@link #submit(int[], float[], long, Callback)}, with items the model must not return
     * (masked before its TopK when the model can; the caller drops them afterwards either way).
     */
    public void submit(
            int[] items, float[] weights, int[] exclude, long expiresAtNanos, Callback callback) {
        queue.add(new Pending(items, weights, exclude, expiresAtNanos, callback));
    }

    private void work() {
        OnnxScorer.BatchBuffers buffers = scorer.newBuffers(settings.batchSize(), maxHistory);
        List<Pending> batch = new ArrayList<>(settings.batchSize());
        long maxWaitNanos = TimeUnit.MICROSECONDS.toNanos(settings.maxWaitMicros());
        while (running) {
            batch.clear();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long until = System.nanoTime() + maxWaitNanos;
                while (batch.size() < settings.batchSize()) {
                    queue.drainTo(batch, settings.batchSize() - batch.size());
                    long left = until - System.nanoTime();
                    if (batch.size() >= settings.batchSize() || left <= 0) {
                        break;
                    }
                    Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                continue;
            }
            run(batch, buffers);
        }
    }

    private void run(List<Pending> batch, OnnxScorer.BatchBuffers buffers) {
        long now = System.nanoTime();
        List<Pending> live = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            if (p.expiresAtNanos() - now > 0) {
                live.add(p);
            } else {
                expired.incrementAndGet(); // Flink has already answered it with the fallback
                expiredRequests.increment();
            }
        }
        if (live.isEmpty()) {
            return;
        }
        OnnxScorer.Scores scores;
        try {
            int width = 0;
            if (scorer.excludesBeforeTopK()) {
                for (Pending p : live) {
                    width = Math.max(width, p.exclude().length);
                }
            }
            buffers.setExcludeWidth(width);
            for (int r = 0; r < live.size(); r++) {
                Pending p = live.get(r);
                buffers.setRow(r, p.items(), p.weights(), p.items().length);
                if (width > 0) {
                    buffers.setExclude(r, p.exclude(), p.exclude().length);
                }
            }
            long t0 = System.nanoTime();
            scores = scorer.score(buffers, live.size());
            inferenceTime.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            LOG.warn("Scoring a batch of {} failed; answering with the fallback", live.size(), e);
            for (Pending p : live) {
                deliver(() -> p.callback().failed(e));
            }
            return;
        }
        batchSizes.record(live.size());
        batches.incrementAndGet();
        scored.addAndGet(live.size());
        for (int r = 0; r < live.size(); r++) {
            Pending p = live.get(r);
            int row = r;
            deliver(() -> p.callback().scored(scores, row));
        }
    }

    /**
     * Hands one result to its subtask. A subtask that has closed since it asked (cancelled, failing
     * over) rejects it; that concerns only that subtask, so the worker, which other subtasks and
     * jobs in this JVM share, carries on with the next result.
     */
    private void deliver(Runnable handOver) {
        try {
            handOver.run();
        } catch (RuntimeException e) {
            undelivered.incrementAndGet();
            LOG.debug("A result was not taken: its subtask has closed", e);
        }
    }
}
