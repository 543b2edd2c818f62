package io.recstream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A standalone Flink session cluster as separate operating-system processes: one JobManager and
 * TaskManagers, started the way Flink's own scripts start them (memory settings computed by {@code
 * BashJavaUtils}, the JDK 17 module flags from Flink's default configuration), from a {@code lib/}
 * folder of Maven Central jars. Jobs are submitted through the REST API like {@code flink run} or
 * the web UI would.
 */
final class StandaloneFlinkCluster implements AutoCloseable {

    /** Flink's default {@code env.java.opts.all} for JDK 17+. */
    private static final List<String> MODULE_FLAGS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** Characters of classpath on each cluster JVM's command line, at least. */
    static final int MIN_CLASSPATH = 8 * 1024;

    private static final String BASH_JAVA_UTILS_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Path lib;
    private final int restPort;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int startedTaskManagers;

    private StandaloneFlinkCluster(Path home, Path lib, int restPort) throws IOException {
        this.home = home;
        this.lib = lib;
        this.restPort = restPort;
        this.jobManager =
                launch(
                        "jobmanager",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        "GET_JM_RESOURCE_PARAMS");
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers with {@code slots} slots each and
     * waits until all their slots are registered.
     *
     * @param lib the cluster's jars (Flink runtime, clients, web, RocksDB, logging)
     * @param home where configuration and logs go
     * @param settings Flink configuration added to the defaults here
     */
    static StandaloneFlinkCluster start(
            Path lib, Path home, int taskManagers, int slots, Map<String, String> settings)
            throws Exception {
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(
                    "Flink cluster lib folder " + lib + " is missing: run the Maven package phase");
        }
        int restPort = freePort();
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "localhost");
        conf.put("jobmanager.rpc.port", Integer.toString(freePort()));
        conf.put("jobmanager.bind-host", "localhost");
        conf.put("taskmanager.bind-host", "localhost");
        conf.put("taskmanager.host", "localhost");
        conf.put("rest.address", "localhost");
        conf.put("rest.bind-address", "localhost");
        conf.put("rest.port", Integer.toString(restPort));
        conf.put("jobmanager.memory.process.size", "768m");
        conf.put("taskmanager.memory.process.size", "1280m");
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        conf.put("cluster.registration.error-delay", "500 ms");
        // A killed TaskManager is noticed in seconds rather than the default 50 s.
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "6000");
        conf.put("web.tmpdir", home.resolve("web").toString());
        conf.put("io.tmp.dirs", home.resolve("tmp").toString());
        conf.putAll(settings);
        Path confDir = home.resolve("conf");
        Files.createDirectories(confDir);
        Files.createDirectories(home.resolve("log"));
        Files.createDirectories(home.resolve("tmp"));
        StringBuilder yaml = new StringBuilder();
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml.toString());
        Files.writeString(
                confDir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = file",
                        "appender.file.type = File",
                        "appender.file.name = file",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        ""));
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(home, lib, restPort);
        try {
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitSlots(taskManagers * slots, Duration.ofSeconds(90));
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private static String quote(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts one more TaskManager process. */
    void startTaskManager() throws IOException {
        taskManagers.add(
                launch(
                        "taskmanager-" + startedTaskManagers++,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        "GET_TM_RESOURCE_PARAMS"));
    }

    /** Kills TaskManager {@code index} with SIGKILL, as a crashed machine would vanish. */
    void killTaskManager(int index) throws InterruptedException {
        Process tm = taskManagers.get(index);
        tm.destroyForcibly();
        tm.waitFor(30, TimeUnit.SECONDS);
    }

    /** Whether TaskManager {@code index} (in start order) is still running. */
    boolean taskManagerAlive(int index) {
        return taskManagers.get(index).isAlive();
    }

    private Process launch(String name, String mainClass, String resourceCommand)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = longClasspath(lib);
        Path confDir = home.resolve("conf");
        // Memory settings the way bin/taskmanager.sh and bin/jobmanager.sh compute them.
        List<String> resources =
                run(
                        List.of(
                                java,
                                "-cp",
                                classpath,
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                resourceCommand,
                                "--configDir",
                                confDir.toString()),
                        home.resolve("log").resolve(name + "-resources.out"));
        if (resources.size() < 2) {
            throw new IllegalStateException(
                    "BashJavaUtils "
                            + resourceCommand
                            + " printed no memory settings: see "
                            + home);
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(MODULE_FLAGS);
        command.addAll(split(resources.get(resources.size() - 2)));
        command.add("-Dlog.file=" + home.resolve("log").resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=file:" + confDir.resolve("log4j.properties"));
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(confDir.toString());
        command.addAll(split(resources.get(resources.size() - 1)));
        Path out = home.resolve("log").resolve(name + ".out");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        // As an operator who set nothing, outside a CI build (where ONNX Runtime keeps quiet by
        // itself): whatever keeps ONNX Runtime quiet must come from the job.
        io.recstream.testing.OnnxTelemetryFiles.asOnAnOperatorsHost(builder.environment());
        return builder.start();
    }

    /**
     * The jars of {@code lib} by absolute path, the list repeated until it is at least {@value
     * #MIN_CLASSPATH} characters long: the command line of a JobManager or TaskManager whose
     * classpath is spelled out (a YARN or Hadoop classpath, a distribution's lib/ listed by {@code
     * bin/config.sh}), not the short {@code lib/*} wildcard. ONNX Runtime's native start-up has
     * crashed such processes.
     */
    private static String longClasspath(Path lib) throws IOException {
        List<String> jars;
        try (var files = Files.list(lib)) {
            jars =
                    files.filter(f -> f.toString().endsWith(".jar"))
                            .map(f -> f.toAbsolutePath().toString())
                            .sorted()
                            .toList();
        }
        String once = String.join(java.io.File.pathSeparator, jars);
        StringBuilder classpath = new StringBuilder(once);
        while (classpath.length() < MIN_CLASSPATH) {
            classpath.append(java.io.File.pathSeparator).append(once);
        }
        return classpath.toString();
    }

    /** The process ids of the JobManager and every TaskManager started so far. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(jobManager.pid());
        taskManagers.forEach(tm -> pids.add(tm.pid()));
        return pids;
    }

    /** Whether the JobManager process is still running. */
    boolean jobManagerAlive() {
        return jobManager.isAlive();
    }

    /** The length in bytes of a running process's command line, as the kernel holds it. */
    static int commandLineBytes(long pid) throws IOException {
        return Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")).length;
    }

    private static List<String> split(String line) {
        return Arrays.stream(line.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> run(List<String> command, Path output) throws IOException {
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", command) + " failed: see " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Files.readAllLines(output).stream()
                .filter(l -> l.startsWith(BASH_JAVA_UTILS_PREFIX))
                .map(l -> l.substring(BASH_JAVA_UTILS_PREFIX.length()))
                .toList();
    }

    /** The REST endpoint, e.g. {@code http://localhost:8081}. */
    String restUrl() {
        return "http://localhost:" + restPort;
    }

    /** Where the processes' logs are. */
    Path logs() {
        return home.resolve("log");
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(path, b -> b.timeout(Duration.ofSeconds(10)).GET());
    }

    private JsonNode post(String path, HttpRequest.BodyPublisher body, String contentType)
            throws IOException, InterruptedException {
        return send(
                path,
                b ->
                        b.timeout(Duration.ofMinutes(2))
                                .header("Content-Type", contentType)
                                .POST(body));
    }

    private JsonNode send(String path, UnaryOperator<HttpRequest.Builder> request)
            throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        request.apply(HttpRequest.newBuilder(URI.create(restUrl() + path))).build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    path + " answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /** Uploads a job jar ({@code POST /jars/upload}) and returns its id on the cluster. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "recstream-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\";"
                                + " filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode r =
                post(
                        "/jars/upload",
                        HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()),
                        "multipart/form-data; boundary=" + boundary);
        String file = r.path("filename").asText();
        if (!"success".equals(r.path("status").asText()) || file.isEmpty()) {
            throw new IllegalStateException("jar upload failed: " + r);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's {@code entryClass} with {@code args} ({@code POST /jars/:id/run}) and
     * returns the job id.
     */
    String run(String jarId, String entryClass, List<String> args, int parallelism)
            throws IOException, InterruptedException {
        return run(jarId, entryClass, args, parallelism, null);
    }

    private String run(
            String jarId, String entryClass, List<String> args, int parallelism, String savepoint)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
        }
        request.put("entryClass", entryClass);
        request.put("parallelism", parallelism);
        args.forEach(request.putArray("programArgsList")::add);
        JsonNode r =
                post(
                        "/jars/" + jarId + "/run",
                        HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)),
                        "application/json");
        String job = r.path("jobid").asText();
        if (job.isEmpty()) {
            throw new IllegalStateException("job submission returned no job id: " + r);
        }
        return job;
    }

    /** Cancels a job and waits until it is CANCELED. */
    void cancel(String jobId) throws Exception {
        send(
                "/jobs/" + jobId + "?mode=cancel",
                b -> b.method("PATCH", HttpRequest.BodyPublishers.noBody()));
        await(
                "job " + jobId + " canceled",
                () -> get("/jobs/" + jobId),
                j -> "CANCELED".equals(j.path("state").asText()),
                Duration.ofMinutes(1));
    }

    /**
     * Stops a job with a savepoint in {@code directory} ({@code POST /jobs/:id/stop}) and returns
     * the savepoint's location.
     */
    String stopWithSavepoint(String jobId, Path directory) throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.put("targetDirectory", directory.toUri().toString());
        request.put("drain", false);
        JsonNode r =
                post(
                        "/jobs/" + jobId + "/stop",
                        HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)),
                        "application/json");
        String trigger = r.path("request-id").asText();
        JsonNode done =
                await(
                        "savepoint of " + jobId,
                        () -> get("/jobs/" + jobId + "/savepoints/" + trigger),
                        s -> "COMPLETED".equals(s.path("status").path("id").asText()),
                        Duration.ofMinutes(2));
        JsonNode operation = done.path("operation");
        if (operation.has("failure-cause")) {
            throw new IllegalStateException(
                    "stop-with-savepoint failed: " + operation.path("failure-cause"));
        }
        return operation.path("location").asText();
    }

    /** Like {@link #run}, restoring the job's state from {@code savepoint}. */
    String runFromSavepoint(
            String jarId, String entryClass, List<String> args, int parallelism, String savepoint)
            throws IOException, InterruptedException {
        return run(jarId, entryClass, args, parallelism, savepoint);
    }

    /** Waits until the job and every one of its tasks are RUNNING. */
    JsonNode awaitRunning(String jobId, Duration timeout) throws Exception {
        return await(
                "job " + jobId + " running with all tasks",
                () -> get("/jobs/" + jobId),
                j -> {
                    if (!"RUNNING".equals(j.path("state").asText())) {
                        return false;
                    }
                    for (JsonNode v : j.path("vertices")) {
                        if (!"RUNNING".equals(v.path("status").asText())) {
                            return false;
                        }
                    }
                    return true;
                },
                timeout);
    }

    /** Waits until {@code slots} task slots are registered with the cluster. */
    void awaitSlots(int slots, Duration timeout) throws Exception {
        await(
                slots + " task slots registered",
                () -> get("/overview"),
                o -> o.path("slots-total").asInt() >= slots,
                timeout);
    }

    interface Call {
        JsonNode call() throws Exception;
    }

    /** Polls {@code call} until {@code done} holds; fails with the last answer and the logs. */
    JsonNode await(String what, Call call, Predicate<JsonNode> done, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException(
                        "the JobManager process exited with " + jobManager.exitValue() + diag());
            }
            try {
                last = call.call();
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException | IllegalStateException e) {
                lastError = e; // REST not up yet, or a transient answer
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "timed out waiting for "
                        + what
                        + "; last answer: "
                        + last
                        + (lastError == null ? "" : "; last error: " + lastError)
                        + diag());
    }

    /** The number of times the job restarted since submission. */
    long restarts(String jobId) throws Exception {
        // Flink's job-level metric, exposed over REST.
        JsonNode m = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        for (JsonNode n : m) {
            if ("numRestarts".equals(n.path("id").asText())) {
                return Long.parseLong(n.path("value").asText("0"));
            }
        }
        return 0;
    }

    /** The latest exception that failed a job (root cause), or an empty string. */
    String rootException(String jobId) throws Exception {
        JsonNode e = get("/jobs/" + jobId + "/exceptions");
        return e.path("exceptionHistory").path("entries").path(0).path("stacktrace").asText("");
    }

    private String diag() {
        StringBuilder s = new StringBuilder("\n--- cluster logs in ").append(logs());
        try (var files = Files.list(logs())) {
            for (Path f : files.sorted().toList()) {
                if (f.toString().endsWith(".log") || f.toString().endsWith(".out")) {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                    s.append("\n--- ").append(f.getFileName()).append(" (last lines)\n");
                    lines.stream()
                            .skip(Math.max(0, lines.size() - 40))
                            .forEach(l -> s.append(l).append('\n'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    @Override
    public void close() {
        List<Process> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        for (Process p : all) {
            p.destroy();
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
