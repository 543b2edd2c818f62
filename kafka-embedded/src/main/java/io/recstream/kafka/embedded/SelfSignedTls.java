package io.recstream.kafka.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} / {@code 127.0.0.1}, made with the JDK's {@code
 * keytool}: a PKCS12 key store holding the broker's key and certificate, and a PKCS12 trust store
 * holding only that certificate, for clients. Each has its own random password.
 *
 * @param keyStore the broker's key store
 * @param keyStorePassword its password (also the key's)
 * @param trustStore the clients' trust store
 * @param trustStorePassword its password
 */
public record SelfSignedTls(
        Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    /** Makes the key store and trust store in {@code directory} (created if missing). */
    public static SelfSignedTls create(Path directory) {
        try {
            Files.createDirectories(directory);
            SelfSignedTls tls =
                    new SelfSignedTls(
                            directory.resolve("broker.keystore.p12"),
                            randomPassword(),
                            directory.resolve("client.truststore.p12"),
                            randomPassword());
            Path certificate = directory.resolve("broker.crt");
            keytool(
                    "-genkeypair",
                    "-alias",
                    "broker",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=localhost, O=recstream embedded broker",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    tls.keyStore.toString(),
                    "-storepass",
                    tls.keyStorePassword,
                    "-keypass",
                    tls.keyStorePassword);
            keytool(
                    "-exportcert",
                    "-alias",
                    "broker",
                    "-keystore",
                    tls.keyStore.toString(),
                    "-storepass",
                    tls.keyStorePassword,
                    "-file",
                    certificate.toString());
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "broker",
                    "-file",
                    certificate.toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    tls.trustStore.toString(),
                    "-storepass",
                    tls.trustStorePassword);
            return tls;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "could not write the TLS key and trust stores in " + directory, e);
        }
    }

    /** The client settings that trust the broker's certificate. */
    public Map<String, String> clientProperties() {
        return Map.of(
                "ssl.truststore.type",
                "PKCS12",
                "ssl.truststore.location",
                trustStore.toString(),
                "ssl.truststore.password",
                trustStorePassword);
    }

    /**
     * The broker settings for the listener {@code listener}: its key store, and the trust store it
     * needs when it connects to itself over that listener.
     */
    Map<String, String> brokerProperties(String listener) {
        String prefix = "listener.name." + listener.toLowerCase(java.util.Locale.ROOT) + ".";
        return Map.of(
                prefix + "ssl.keystore.type",
                "PKCS12",
                prefix + "ssl.keystore.location",
                keyStore.toString(),
                prefix + "ssl.keystore.password",
                keyStorePassword,
                prefix + "ssl.key.password",
                keyStorePassword,
                prefix + "ssl.truststore.type",
                "PKCS12",
                prefix + "ssl.truststore.location",
                trustStore.toString(),
                prefix + "ssl.truststore.password",
                trustStorePassword);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException(
                    "TLS for the embedded broker needs the JDK's keytool, not found at " + keytool);
        }
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            // keytool prints a few lines and exits; its output is read to the end first
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
