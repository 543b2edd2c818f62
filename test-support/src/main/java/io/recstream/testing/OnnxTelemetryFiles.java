package io.recstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
