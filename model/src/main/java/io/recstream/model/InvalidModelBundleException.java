package io.recstream.model;

/** A model bundle that is missing, unreadable, or inconsistent. The message names the file. */
public class InvalidModelBundleException extends RuntimeException {
    public InvalidModelBundleException(String message) {
        super(message);
    }

    public InvalidModelBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
