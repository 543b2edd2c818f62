package io.recstream.jobs.testing;

import io.recstream.model.ServingParameters;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** Model bundles trained on a synthetic world for the tests, without the trainer's report. */
public final class TestModels {
    private TestModels() {}

    /**
     * Trains a bundle into {@code dir} from {@code events} interactions of {@code users} users of
     * {@code world}, timestamped in [{@code from}, {@code to}).
     */
    public static Path train(
            Path dir,
            SyntheticWorld world,
            int users,
            int events,
            long from,
            long to,
            Trainer.Options options)
            throws Exception {
        Trainer.train(
                world.history(users, events, from, to),
                world.itemCategories(),
                dir,
                options,
                new PrintStream(OutputStream.nullOutputStream()));
        return dir;
    }

    /**
     * The operator tests' tiny bundle: 8 dimensions, trained on 4,000 interactions of 50 users of a
     * 60-item, 6-category world ({@code seed} picks the world). Its vocabulary lists items by
     * training popularity, most popular first.
     */
    public static Path tiny(Path dir, long seed, String version) throws Exception {
        return train(
                dir,
                new SyntheticWorld(60, 6, 1.0, 0.8, seed),
                50,
                4_000,
                0,
                10_000_000,
                Trainer.Options.defaults().withDimensions(8).withVersion(version, false));
    }

    /**
     * A 16-dimension bundle named {@code version} from 20,000 interactions of {@code users} users
     * over the two days before the last hour: what live traffic "now" continues.
     */
    public static Path trainRecent(Path dir, SyntheticWorld world, int users, String version)
            throws Exception {
        long now = System.currentTimeMillis();
        return train(
                dir,
                world,
                users,
                20_000,
                now - 3_600_000L * 48,
                now - 3_600_000L,
                Trainer.Options.defaults()
                        .withDimensions(16)
                        .withServing(ServingParameters.DEFAULTS)
                        .withVersion(version, false));
    }

    private static final java.util.Map<String, Path> SHARED = new java.util.HashMap<>();

    /**
     * The tiny bundle of {@link #tiny(Path, long, String)} for this seed and version, trained once
     * per test JVM into a temporary directory removed when the JVM exits. Shared by every test that
     * asks for the same one: tests must only read it.
     */
    public static synchronized Path tiny(long seed, String version) throws Exception {
        String key = seed + "/" + version;
        Path model = SHARED.get(key);
        if (model == null) {
            Path dir = java.nio.file.Files.createTempDirectory("recstream-tiny-model-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            model = tiny(dir.resolve("model"), seed, version);
            SHARED.put(key, model);
        }
        return model;
    }

    private static void deleteTree(Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory left behind
        }
    }
}
