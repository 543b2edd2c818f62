package io.recstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recstream.model.InvalidModelBundleException;
import io.recstream.model.ModelBundle;
import io.recstream.model.ServingParameters;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.data.DMatrixSparseTriplet;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.ops.DConvertMatrixStruct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    @TempDir Path tmp;

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void modelLearnsTastesAndBeatsPopularity() throws Exception {
        SyntheticWorld world = new SyntheticWorld(300, 10, 1.0, 0.9, 5L);
        Path out = tmp.resolve("bundle");
        Trainer.Report report =
                Trainer.train(
                        world.history(400, 30_000, 0, 100_000_000L),
                        world.itemCategories(),
                        out,
                        Trainer.Options.defaults().withDimensions(16).withVersion("t1", false),
                        QUIET);
        assertThat(report.model().events()).isGreaterThan(1_000);
        assertThat(report.model().hitRate())
                .as("users stick to their categories: the model must find that, popularity cannot")
                .isGreaterThan(report.popular().hitRate() * 1.5);

        ModelBundle bundle = ModelBundle.load(out);
        assertThat(bundle.version()).isEqualTo("t1");
        assertThat(bundle.card().items()).isEqualTo(bundle.vocabulary().size());
        assertThat(ServingParameters.fromCard(bundle.card())).isEqualTo(ServingParameters.DEFAULTS);
        var profile = bundle.profile();
        assertThat(profile.recommendedCategories().values().stream().mapToDouble(d -> d).sum())
                .isCloseTo(1.0, within(1e-9));
        assertThat(profile.inputCategories()).containsKey("category-0");
        assertThat(profile.scoreHistogram().edges().length)
                .isEqualTo(profile.scoreHistogram().probabilities().length + 1);
        assertThat(profile.coldUserRate()).isBetween(0.0, 1.0);
        assertThat(profile.popularItems().get(0).itemId()).isEqualTo(bundle.vocabulary().itemId(0));
        assertThat(profile.offlineMetrics())
                .containsKeys("hit_rate_at_10", "popular_hit_rate_at_10");
    }

    @Test
    void refusesToOverwriteAndRejectsACutOffBeforeTheData() throws Exception {
        SyntheticWorld world = new SyntheticWorld(50, 5, 1.0, 0.9, 5L);
        var history = world.history(40, 2_000, 1_000_000, 2_000_000);
        Path out = tmp.resolve("b");
        Trainer.train(
                history,
                world.itemCategories(),
                out,
                Trainer.Options.defaults().withDimensions(8),
                QUIET);
        assertThatThrownBy(
                        () ->
                                Trainer.train(
                                        history,
                                        world.itemCategories(),
                                        out,
                                        Trainer.Options.defaults().withDimensions(8),
                                        QUIET))
                .hasMessageContaining("already holds a model bundle");
        assertThatThrownBy(
                        () ->
                                Trainer.train(
                                        history,
                                        world.itemCategories(),
                                        tmp.resolve("c"),
                                        Trainer.Options.defaults().withTrainUntil(5L),
                                        QUIET))
                .hasMessageContaining("--train-until");
    }

    @Test
    void bundleWithAMissingOrInconsistentFileIsRejectedNamingTheFile() throws Exception {
        SyntheticWorld world = new SyntheticWorld(50, 5, 1.0, 0.9, 5L);
        Path out = tmp.resolve("b");
        Trainer.train(
                world.history(40, 2_000, 0, 1_000_000),
                world.itemCategories(),
                out,
                Trainer.Options.defaults().withDimensions(8),
                QUIET);
        Files.writeString(out.resolve("vocabulary.json"), "{\"items\":[{\"id\":\"x\"}]}");
        assertThatThrownBy(() -> ModelBundle.load(out))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining("vocabulary.json")
                .hasMessageContaining("card.json");
        Files.delete(out.resolve("card.json"));
        assertThatThrownBy(() -> ModelBundle.load(out)).hasMessageContaining("missing card.json");
    }

    @Test
    void truncatedSvdFindsTheLeadingSingularValues() {
        Random random = new Random(3);
        int rows = 80;
        int cols = 60;
        DMatrixSparseTriplet t = new DMatrixSparseTriplet(rows, cols, 1000);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (random.nextDouble() < 0.15) {
                    t.addItem(r, c, 1.0);
                }
            }
        }
        DMatrixSparseCSC a = DConvertMatrixStruct.convert(t, (DMatrixSparseCSC) null);
        TruncatedSvd.Result result = TruncatedSvd.compute(a, 5, 20, 4, 1L);
        DMatrixRMaj dense = new DMatrixRMaj(rows, cols);
        DConvertMatrixStruct.convert(a, dense);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
        svd.decompose(dense);
        double[] exact = svd.getSingularValues().clone();
        java.util.Arrays.sort(exact);
        for (int i = 0; i < 5; i++) {
            assertThat(result.singularValues()[i])
                    .isCloseTo(exact[exact.length - 1 - i], within(1e-3 * exact[exact.length - 1]));
        }
        assertThat(result.rightVectors().numRows).isEqualTo(cols);
        assertThat(result.rightVectors().numCols).isEqualTo(5);
    }

    @Test
    void readsMovielensLayoutAndParsesTimes(@TempDir Path dir) throws Exception {
        Path ratings = dir.resolve("ratings.csv");
        Path movies = dir.resolve("movies.csv");
        Files.writeString(
                ratings,
                "userId,movieId,rating,timestamp\n1,10,4.0,964982703\n2,20,3.5,964982224\n");
        Files.writeString(
                movies,
                "movieId,title,genres\n10,\"Heat, The (1995)\",Action|Crime\n20,Nothing (2000),(no genres listed)\n");
        CsvInput ml = CsvInput.movielens();
        var events = ml.readInteractions(ratings);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).key()).isEqualTo("ratings.csv:2");
        assertThat(events.get(0).time()).isEqualTo(964_982_703_000L);
        assertThat(events.get(1).value()).isEqualTo(3.5);
        var items = ml.readItems(movies);
        assertThat(items.get("10")).containsExactly("Action", "Crime");
        assertThat(items.get("20")).isEmpty();
        assertThat(TimeParsing.parseInstant("2016-01-01", "--x")).isEqualTo(1_451_606_400_000L);
        assertThat(TimeParsing.parseInstant("2016-01-01T00:00:01Z", "--x"))
                .isEqualTo(1_451_606_401_000L);
        assertThatThrownBy(() -> TimeParsing.parseInstant("soon", "--train-until"))
                .hasMessageContaining("--train-until");
        assertThatThrownBy(() -> CsvInput.generic().readInteractions(ratings))
                .hasMessageContaining("no column 'user'");
    }
}
