package io.recstream.cli;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** Checks the {@link InputPath} options of a parsed command line. */
final class InputPaths {
    private InputPaths() {}

    /**
     * The first problem with an input path given on this command line, as one line naming the
     * option and the path, or empty if every input can be read.
     */
    static Optional<String> firstProblem(ParseResult parsed) {
        for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
            for (OptionSpec option : pr.matchedOptions()) {
                if (option.userObject() instanceof Field field
                        && field.isAnnotationPresent(InputPath.class)
                        && option.getValue() instanceof Path path) {
                    Optional<String> problem =
                            problem(path, field.getAnnotation(InputPath.class).value());
                    if (problem.isPresent()) {
                        return Optional.of(option.names()[0] + " " + path + ": " + problem.get());
                    }
                }
            }
        }
        return Optional.empty();
    }

    static Optional<String> problem(Path path, InputPath.Kind kind) {
        if (!Files.exists(path)) {
            return Optional.of(
                    "no such " + (kind == InputPath.Kind.DIRECTORY ? "directory" : "file"));
        }
        boolean directory = Files.isDirectory(path);
        if (directory && kind == InputPath.Kind.FILE) {
            return Optional.of("is a directory, a file is expected");
        }
        if (!directory && kind == InputPath.Kind.DIRECTORY) {
            return Optional.of("is a file, a directory is expected");
        }
        if (!Files.isReadable(path)) {
            return Optional.of("cannot be read (permission denied)");
        }
        if (!directory) {
            try {
                if (Files.size(path) == 0) {
                    return Optional.of("is empty");
                }
            } catch (IOException e) {
                return Optional.of("cannot be read (" + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }
}
