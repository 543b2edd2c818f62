package io.recstream.jobs.inference;

import io.recstream.model.ModelBundle;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Model bundles loaded in this JVM (per job class loader): each read once, shared by subtasks. */
public final class ModelRegistry {
    private static final ConcurrentMap<Path, ModelBundle> BUNDLES = new ConcurrentHashMap<>();

    private ModelRegistry() {}

    public static ModelBundle bundle(String directory) {
        Path p = Path.of(directory).toAbsolutePath().normalize();
        return BUNDLES.computeIfAbsent(p, ModelBundle::load);
    }
}
