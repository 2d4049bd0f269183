package dev.regula.transfer.features;

import me.tongfei.progressbar.ProgressBar;

/** A console progress bar. */
final class ProgressBarProgress implements Progress {
    private final ProgressBar bar;

    ProgressBarProgress(String task, long total) {
        this.bar = new ProgressBar(task, total);
    }

    @Override
    public void step(long n) {
        bar.stepBy(n);
    }

    @Override
    public void close() {
        bar.close();
    }
}
