package io.recstream.cli;

/** A one-line progress bar on stderr, redrawn at most a few times a second. */
final class Progress {
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private long done;
    private long lastDraw;

    Progress(String label, long total) {
        this.label = label;
        this.total = total;
    }

    void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw > 250_000_000L) {
            lastDraw = now;
            draw();
        }
    }

    void done() {
        draw();
        System.err.println();
    }

    private static String formatSeconds(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private void draw() {
        int width = 30;
        double share = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int filled = (int) (share * width);
        double secs = (System.nanoTime() - started) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        String eta =
                done >= total || rate <= 0
                        ? String.format("%.0fs", secs)
                        : "ETA " + formatSeconds((total - done) / rate);
        System.err.printf(
                "\r%-16s [%s%s] %,d/%,d %5.1f%% %,.0f/s %-12s",
                label,
                "#".repeat(filled),
                " ".repeat(width - filled),
                done,
                total,
                share * 100,
                rate,
                eta);
        System.err.flush();
    }
}
