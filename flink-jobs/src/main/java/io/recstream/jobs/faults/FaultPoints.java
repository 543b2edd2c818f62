package io.recstream.jobs.faults;

/**
 * Named points in the jobs' operators where a test can inject a failure: every record an operator
 * handles, every snapshot it takes (the synchronous phase of a checkpoint) and every checkpoint it
 * hears completed. Nothing is installed outside tests, and then each point costs one volatile read.
 * A hook is per JVM: it reaches the operators of a Flink MiniCluster running in the test's own JVM.
 */
public final class FaultPoints {

    /** The user-state operator: {@code UserHistoryFunction}. */
    public static final String USER_STATE = "user-state";

    /** The scorer: {@code ScoringFunction}. */
    public static final String SCORER = "scorer";

    /** What a test installs; a method that throws fails the operator's task. */
    public interface Hook {
        void onRecord(String point) throws Exception;

        void onSnapshot(String point, long checkpointId) throws Exception;

        void onCheckpointComplete(String point, long checkpointId);
    }

    private static volatile Hook hook;

    private FaultPoints() {}

    public static void install(Hook h) {
        hook = h;
    }

    public static void clear() {
        hook = null;
    }

    public static void record(String point) throws Exception {
        Hook h = hook;
        if (h != null) {
            h.onRecord(point);
        }
    }

    public static void snapshot(String point, long checkpointId) throws Exception {
        Hook h = hook;
        if (h != null) {
            h.onSnapshot(point, checkpointId);
        }
    }

    public static void checkpointComplete(String point, long checkpointId) {
        Hook h = hook;
        if (h != null) {
            h.onCheckpointComplete(point, checkpointId);
        }
    }
}
