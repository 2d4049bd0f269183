package dev.regula.transfer.data;

import java.util.ArrayList;

/**
 * The examples a reader keeps, with a cap on the memory they take. Data is streamed row by row, but
 * the kept examples live on the heap until training ends; without a cap, a data file larger than the
 * heap ends in a raw {@link OutOfMemoryError} after minutes of parsing. The cost of a row is
 * estimated conservatively (two bytes per character, four per vector value, plus a fixed overhead),
 * so the reader stops with a clear error well before the heap is exhausted.
 */
final class KeptRows extends ArrayList<Example> {
    /** Estimated fixed cost of one example: the record, its strings' headers, the list slot. */
    static final long ROW_OVERHEAD_BYTES = 160;

    private final long budgetBytes;
    private long usedBytes;

    KeptRows(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("budgetBytes must be > 0, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    @Override
    public boolean add(Example e) {
        long cost = ROW_OVERHEAD_BYTES + (e.text() != null ? 2L * e.text().length() : 4L * e.vector().length)
                + 2L * (length(e.label()) + length(e.group()) + length(e.splitName()) + length(e.source()));
        if (usedBytes + cost > budgetBytes) {
            throw new Full(size(), budgetBytes, e.source());
        }
        usedBytes += cost;
        return super.add(e);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Thrown by {@link #add} when the next row would pass the budget; the reader turns it into a {@link DatasetException}. */
    static final class Full extends RuntimeException {
        final int kept;
        final long budgetBytes;
        final String at;

        Full(int kept, long budgetBytes, String at) {
            super(null, null, false, false);
            this.kept = kept;
            this.budgetBytes = budgetBytes;
            this.at = at;
        }
    }
}
