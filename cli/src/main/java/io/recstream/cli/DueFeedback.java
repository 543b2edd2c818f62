package io.recstream.cli;

import io.recstream.jobs.events.Feedback;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/** Feedback waiting for its send time. */
record DueFeedback(Feedback feedback, long sendAt) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(sendAt - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
        return Long.compare(sendAt, ((DueFeedback) o).sendAt);
    }
}
