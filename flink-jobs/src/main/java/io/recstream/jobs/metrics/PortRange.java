package io.recstream.jobs.metrics;

import java.io.Serializable;

/**
 * A port or a range of ports ({@code 9249} or {@code 9249-9259}) for the metrics endpoint. Several
 * JVMs on one host (TaskManagers), or several jobs in one TaskManager (each job has its own
 * user-code class loader, hence its own registry), each take the first free port of the range.
 */
public record PortRange(int first, int last) implements Serializable {

    public PortRange {
        if (first < 0 || last > 65535 || first > last || (first == 0 && last != 0)) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
    }

    /** Parses {@code P} or {@code P1-P2}; errors name {@code option}. */
    public static PortRange parse(String spec, String option) {
        String s = spec.trim();
        try {
            int dash = s.indexOf('-');
            PortRange r =
                    dash < 0
                            ? new PortRange(Integer.parseInt(s), Integer.parseInt(s))
                            : new PortRange(
                                    Integer.parseInt(s.substring(0, dash).trim()),
                                    Integer.parseInt(s.substring(dash + 1).trim()));
            return r;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--"
                            + option
                            + " must be a port (0 for any free one) or a range like 9249-9259,"
                            + " got '"
                            + spec
                            + "'");
        }
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
