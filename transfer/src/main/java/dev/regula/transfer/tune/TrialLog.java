package dev.regula.transfer.tune;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the tuner records finished trials, and reads them back to resume. A record is one trial at one
 * rung, evaluated on every fold; the tuner never retrains a (trial id, rung) it finds here.
 */
public interface TrialLog {

    /** Records of earlier runs, in any order. */
    List<TrialResult> completed() throws IOException;

    /** Records one finished trial-rung; called from worker threads, in completion order. */
    void append(TrialResult result) throws IOException;

    /** Called once at the end with each trial's final record, ordered by trial id. */
    void finish(List<TrialResult> finals) throws IOException;

    /** A log that keeps nothing across runs. */
    static TrialLog none() {
        return new TrialLog() {
            @Override
            public List<TrialResult> completed() {
                return List.of();
            }

            @Override
            public void append(TrialResult result) {}

            @Override
            public void finish(List<TrialResult> finals) {}
        };
    }

    /** An in-memory log (tests, and callers that persist on their own). */
    static InMemory inMemory() {
        return new InMemory();
    }

    /** Keeps appended records in a list, and the final ones apart. */
    final class InMemory implements TrialLog {
        private final List<TrialResult> appended = new ArrayList<>();
        private List<TrialResult> finals = List.of();

        @Override
        public synchronized List<TrialResult> completed() {
            return List.copyOf(appended);
        }

        @Override
        public synchronized void append(TrialResult result) {
            appended.add(result);
        }

        @Override
        public synchronized void finish(List<TrialResult> f) {
            finals = List.copyOf(f);
        }

        /** The records passed to {@link #finish}. */
        public synchronized List<TrialResult> finals() {
            return finals;
        }
    }
}
