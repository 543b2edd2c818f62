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

    private void draw() {
        int width = 30;
        double share = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int filled = (int) (share * width);
        double secs = (System.nanoTime() - started) / 1e9;
        System.err.printf(
                "\r%-16s [%s%s] %,d/%,d %5.1f%% %,.0f/s",
                label,
                "#".repeat(filled),
                " ".repeat(width - filled),
                done,
                total,
                share * 100,
                secs > 0 ? done / secs : 0);
        System.err.flush();
    }
}
