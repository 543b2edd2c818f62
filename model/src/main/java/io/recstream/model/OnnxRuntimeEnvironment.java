package io.recstream.model;

import ai.onnxruntime.OrtEnvironment;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way our code reaches ONNX Runtime's process-wide environment. It does two things before
 * ONNX Runtime's native code first runs in a JVM:
 *
 * <ol>
 *   <li><b>Telemetry off.</b> ONNX Runtime 1.29 sends telemetry on Linux unless {@value
 *       #ORT_DISABLE_TELEMETRY}{@code =1} is in the process environment when its environment is
 *       created; its Java switch acts only after that first event. Java cannot change its own
 *       environment, so the variable is set through libc's {@code setenv} (JNA), once, before the
 *       first environment. {@value #OPT_IN}{@code =on} leaves ONNX Runtime's default alone.
 *   <li><b>A stack we own.</b> Creating the environment and sessions runs native start-up code that
 *       needs more stack than a caller's thread may have (with telemetry on, a JVM with a long
 *       command line overflows a 1 MB stack and dies with SIGSEGV). {@link #onNativeStack} runs
 *       such work on a fresh thread with a {@value #NATIVE_STACK_BYTES}-byte stack.
 * </ol>
 */
public final class OnnxRuntimeEnvironment {

    /** ONNX Runtime's own opt-out variable on Linux and macOS. */
    public static final String ORT_DISABLE_TELEMETRY = "ORT_DISABLE_TELEMETRY";

    /** Our one opt-in switch: {@code on} lets ONNX Runtime send its telemetry. */
    public static final String OPT_IN = "RECSTREAM_ONNX_TELEMETRY";

    /** Stack size of the threads that run ONNX Runtime's native start-up. */
    public static final long NATIVE_STACK_BYTES = 16L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEnvironment.class);

    /** How telemetry stands in this process, decided once. */
    public enum Telemetry {
        /** The variable was already set to 1 by whoever started the process. */
        OFF_BY_OPERATOR,
        /** We set the variable in this process before ONNX Runtime started. */
        OFF_SET_IN_PROCESS,
        /** {@value #OPT_IN}=on: ONNX Runtime's default (telemetry on) is kept. */
        ON_BY_OPT_IN,
        /** The variable could not be set here: telemetry is on, a WARN says what to set. */
        ON_NOT_SETTABLE
    }

    private static Telemetry telemetry;

    private OnnxRuntimeEnvironment() {}

    /**
     * The process-wide ONNX Runtime environment, created on a thread with a stack of our own after
     * the telemetry decision has been applied.
     */
    public static OrtEnvironment get() {
        telemetry();
        return onNativeStack("create the ONNX Runtime environment", OrtEnvironment::getEnvironment);
    }

    /**
     * Applies the telemetry decision once per JVM (per class loader; a second one finds the
     * variable set already) and returns it. Call before any {@code ai.onnxruntime} class is used.
     */
    public static synchronized Telemetry telemetry() {
        if (telemetry == null) {
            telemetry = decide(System.getenv(OPT_IN));
        }
        return telemetry;
    }

    private static Telemetry decide(String optIn) {
        if (optIn != null && optIn.trim().toLowerCase(Locale.ROOT).matches("on|true|1|yes")) {
            LOG.warn(
                    "{}={}: ONNX Runtime's telemetry is left on; it sends usage data to Microsoft",
                    OPT_IN,
                    optIn);
            return Telemetry.ON_BY_OPT_IN;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            if ("1".equals(libc.getenv(ORT_DISABLE_TELEMETRY))) {
                LOG.info(
                        "ONNX Runtime telemetry is off ({}=1 set by the operator)",
                        ORT_DISABLE_TELEMETRY);
                return Telemetry.OFF_BY_OPERATOR;
            }
            if (libc.setenv(ORT_DISABLE_TELEMETRY, "1", 1) != 0
                    || !"1".equals(libc.getenv(ORT_DISABLE_TELEMETRY))) {
                throw new IllegalStateException("setenv failed");
            }
            LOG.info(
                    "ONNX Runtime telemetry is off ({}=1 set in this process; {}=on to send it)",
                    ORT_DISABLE_TELEMETRY,
                    OPT_IN);
            return Telemetry.OFF_SET_IN_PROCESS;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn(
                    "ONNX Runtime telemetry may be on: {}=1 could not be set in this process ({}),"
                            + " set it in the environment of every Flink and recstream process",
                    ORT_DISABLE_TELEMETRY,
                    e.toString());
            return Telemetry.ON_NOT_SETTABLE;
        }
    }

    /**
     * Runs {@code work} on a new thread with a {@value #NATIVE_STACK_BYTES}-byte stack and waits
     * for it; its result is returned and what it throws is thrown here (checked exceptions wrapped
     * in {@link IllegalStateException}).
     *
     * @param what what the work does, for the thread's name and error messages
     */
    public static <T> T onNativeStack(String what, Callable<T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread =
                new Thread(
                        null,
                        () -> {
                            try {
                                result.set(work.call());
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        },
                        "recstream-onnx-start",
                        NATIVE_STACK_BYTES);
        thread.setDaemon(true);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                // The native call cannot be abandoned half-way: finish it, then pass the
                // interrupt on.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException("Could not " + what + ": " + t.getMessage(), t);
        }
        return result.get();
    }

    /** The two libc calls we need. */
    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }
}
