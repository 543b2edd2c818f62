package io.recstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The files ONNX Runtime 1.29's telemetry client leaves behind: {@code /tmp/mat-debug-<pid>.log},
 * written whenever it starts in a process. A run that leaves a new one has sent, or tried to send,
 * telemetry.
 */
public final class OnnxTelemetryFiles {

    private static final Path TMP = Path.of("/tmp");

    /**
     * Environment variables by which ONNX Runtime 1.29 recognises a CI build or its own unit tests
     * and keeps its telemetry quiet (read from the strings of its native library), and the two
     * switches of ours. A process that should behave as on an operator's host, where telemetry
     * would start unless our code stops it, runs without all of them.
     */
    public static final List<String> QUIETING_VARIABLES =
            List.of(
                    "CI",
                    "TF_BUILD",
                    "GITHUB_ACTIONS",
                    "GITLAB_CI",
                    "CIRCLECI",
                    "TRAVIS",
                    "JENKINS_URL",
                    "CODEBUILD_BUILD_ID",
                    "BUILDKITE",
                    "TEAMCITY_VERSION",
                    "APPVEYOR",
                    "BITBUCKET_BUILD_NUMBER",
                    "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
                    "ORT_RUNNING_UNIT_TESTS",
                    "ORT_DISABLE_TELEMETRY",
                    "RECSTREAM_ONNX_TELEMETRY");

    /** Removes {@link #QUIETING_VARIABLES} from a child process's environment. */
    public static void asOnAnOperatorsHost(Map<String, String> environment) {
        QUIETING_VARIABLES.forEach(environment::remove);
    }

    private OnnxTelemetryFiles() {}

    /** The telemetry files in {@code /tmp} now. */
    public static Set<Path> present() {
        if (!Files.isDirectory(TMP)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(TMP)) {
            return files.filter(
                            f -> {
                                String name = f.getFileName().toString();
                                return name.startsWith("mat-debug-") && name.endsWith(".log");
                            })
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The telemetry files that appeared since {@code before} was taken. */
    public static Set<Path> newSince(Set<Path> before) {
        Set<Path> now = new TreeSet<>(present());
        now.removeAll(before);
        return now;
    }

    /** The file a process with this id writes when its telemetry starts. */
    public static Path of(long pid) {
        return TMP.resolve("mat-debug-" + pid + ".log");
    }
}
