package io.recstream.training;

import io.recstream.model.OnnxScorer;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link OnnxRuntimeStartupITCase}: opens a model through our public path on
 * a caller thread with a small stack, as a Flink thread would, then scores with it on another
 * small-stack thread, and prints the scores. Arguments: model file, version, items, the caller's
 * stack size in KB, the number of scoring runs, the scoring thread's stack size in KB.
 */
public final class OnnxOpenProbe {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        String version = args[1];
        int items = Integer.parseInt(args[2]);
        long callerStack = Long.parseLong(args[3]) << 10;
        int runs = Integer.parseInt(args[4]);
        long scoringStack = Long.parseLong(args[5]) << 10;
        System.out.println("pid " + ProcessHandle.current().pid());
        OnnxScorer[] scorer = new OnnxScorer[1];
        Throwable[] failure = new Throwable[1];
        Thread open =
                new Thread(
                        null,
                        () -> {
                            try {
                                scorer[0] = new OnnxScorer(model, version, items, 1);
                            } catch (Throwable t) {
                                failure[0] = t;
                            }
                        },
                        "caller",
                        callerStack);
        open.start();
        open.join();
        if (failure[0] != null) {
            failure[0].printStackTrace();
            System.exit(3);
        }
        StringBuilder out = new StringBuilder();
        Thread score =
                new Thread(
                        null,
                        () -> {
                            OnnxScorer.BatchBuffers buffers = scorer[0].newBuffers(4, 3);
                            for (int r = 0; r < 4; r++) {
                                buffers.setRow(
                                        r,
                                        new int[] {r, (r + 1) % items, (r + 2) % items},
                                        new float[] {1f, 0.5f, 0.25f},
                                        3);
                            }
                            OnnxScorer.Scores scores = null;
                            for (int i = 0; i < runs; i++) {
                                scores = scorer[0].score(buffers, 4);
                            }
                            for (int r = 0; r < 4; r++) {
                                out.append("row ")
                                        .append(r)
                                        .append(": ")
                                        .append(scores.index(r, 0))
                                        .append(' ')
                                        .append(scores.score(r, 0))
                                        .append('\n');
                            }
                        },
                        "scoring",
                        scoringStack);
        score.start();
        score.join();
        System.out.print(out);
        scorer[0].close();
        System.out.println("done");
    }
}
