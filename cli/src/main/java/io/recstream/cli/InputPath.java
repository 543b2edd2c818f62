package io.recstream.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an option whose value is a file or directory the command reads. {@link Main} checks every
 * such option before the command runs: a missing, unreadable or empty input fails with one line
 * naming the option and the path, and exit code 2, before any long work starts.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InputPath {

    /** What the path must be. */
    Kind value() default Kind.FILE;

    enum Kind {
        /** A readable, non-empty regular file. */
        FILE,
        /** A readable directory. */
        DIRECTORY,
        /** A readable, non-empty file, or a readable directory. */
        FILE_OR_DIRECTORY
    }
}
