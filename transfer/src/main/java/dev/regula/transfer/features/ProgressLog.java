package dev.regula.transfer.features;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plain log lines for non-interactive runs (CI, Maven, files): every 10% or every 10 seconds. */
final class ProgressLog implements Progress {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final String task;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastDecile;
    private long lastLog = start;

    ProgressLog(String task, long total) {
        this.task = task;
        this.total = total;
    }

    @Override
    public void step(long n) {
        done += n;
        long now = System.nanoTime();
        long decile = total > 0 ? done * 10 / total : 0;
        if (decile > lastDecile || now - lastLog >= INTERVAL_NANOS) {
            lastDecile = decile;
            lastLog = now;
            double secs = (now - start) / 1e9;
            LOG.info("{}: {}/{} ({}%), {} /s", task, done, total, total > 0 ? done * 100 / total : 100,
                    String.format(java.util.Locale.ROOT, "%.1f", secs > 0 ? done / secs : 0.0));
        }
    }

    @Override
    public void close() {
        if (done < total) {
            LOG.info("{}: stopped at {}/{}", task, done, total);
        }
    }
}
