package io.recstream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.model.OnnxRuntimeEnvironment;
import io.recstream.testing.OnnxTelemetryFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's start-up in a JVM shaped like a Flink JobManager or TaskManager: a command line of
 * more than 8 KB (a classpath of absolute jar paths), nothing set in the environment, the model
 * opened on a caller thread with a 1 MB stack and scored on a 256 KB one.
 *
 * <p>ONNX Runtime 1.29's telemetry reads {@code /proc/self/cmdline} on the creating thread's stack
 * and, with a long command line, overflows a 1 MB stack (SIGSEGV, exit 139); it also writes {@code
 * /tmp/mat-debug-<pid>.log} whenever its telemetry client starts. The first case is what every
 * process of ours does by default; the second, with telemetry let on by the opt-in switch, shows
 * that the file check can see telemetry start, so an ONNX Runtime upgrade that turns it back on
 * fails here.
 */
class OnnxRuntimeStartupITCase {

    private static final int ITEMS = 60;
    private static final int MIN_COMMAND_LINE = 8 * 1024;

    @TempDir static Path tmp;
    private static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        Random random = new Random(5);
        float[][] query = new float[ITEMS][8];
        float[][] items = new float[ITEMS][8];
        for (int i = 0; i < ITEMS; i++) {
            for (int j = 0; j < 8; j++) {
                query[i][j] = (float) random.nextGaussian();
                items[i][j] = (float) random.nextGaussian();
            }
        }
        model = tmp.resolve("model.onnx");
        OnnxModelWriter.write(OnnxModelWriter.build(query, items, 10, "s1", Map.of()), model);
    }

    @Test
    void ourDefaultsOpenTheModelOnASmallCallerStackAndStartNoTelemetry() throws Exception {
        Child child = run(Map.of());

        assertThat(child.exitCode).as(child.output).isZero();
        assertThat(child.scoreRows()).hasSize(4).allSatisfy(s -> assertThat(s).isFinite());
        assertThat(child.output).contains("telemetry is off");
        assertThat(child.telemetryFile()).as("ONNX Runtime's telemetry started").doesNotExist();
    }

    @Test
    void withTelemetryLetOnTheStartUpStillSurvivesAndTheFileCheckSeesIt() throws Exception {
        Child child = run(Map.of(OnnxRuntimeEnvironment.OPT_IN, "on"));
        try {
            assertThat(child.exitCode).as(child.output).isZero();
            assertThat(child.scoreRows()).hasSize(4).allSatisfy(s -> assertThat(s).isFinite());
            assertThat(child.telemetryFile())
                    .as("telemetry on must leave its file, or the first case proves nothing")
                    .exists();
        } finally {
            Files.deleteIfExists(child.telemetryFile());
        }
    }

    private static Child run(Map<String, String> env) throws Exception {
        String classpath = longClasspath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(classpath);
        command.add(OnnxOpenProbe.class.getName());
        command.addAll(
                List.of(model.toString(), "s1", String.valueOf(ITEMS), "1024", "100", "256"));
        assertThat(String.join(" ", command).length()).isGreaterThanOrEqualTo(MIN_COMMAND_LINE);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // As on an operator's host: ONNX Runtime keeps quiet in CI builds by itself.
        OnnxTelemetryFiles.asOnAnOperatorsHost(builder.environment());
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Child(
                process.pid(), process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The test classpath, its absolute entries repeated until the command line passes 8 KB. */
    private static String longClasspath() {
        String base =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String e : base.split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        StringBuilder cp = new StringBuilder(String.join(File.pathSeparator, entries));
        while (cp.length() < MIN_COMMAND_LINE) {
            cp.append(File.pathSeparator).append(String.join(File.pathSeparator, entries));
        }
        return cp.toString();
    }

    private record Child(long pid, int exitCode, String output) {
        Path telemetryFile() {
            return OnnxTelemetryFiles.of(pid);
        }

        List<Float> scoreRows() {
            return output.lines()
                    .filter(l -> l.startsWith("row "))
                    .map(l -> Float.parseFloat(l.substring(l.lastIndexOf(' ') + 1)))
                    .toList();
        }
    }
}
