package dev.regula.transfer.lexical;

import java.util.Arrays;

/** A token-id n-gram as a hash key; orders by length, then ids lexicographically. */
final class Ngram implements Comparable<Ngram> {
    private final long[] ids;
    private final int hash;

    Ngram(long[] ids) {
        this.ids = ids;
        this.hash = Arrays.hashCode(ids);
    }

    long[] ids() {
        return ids.clone();
    }

    int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ngram other && hash == other.hash && Arrays.equals(ids, other.ids);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Ngram o) {
        int c = Integer.compare(ids.length, o.ids.length);
        return c != 0 ? c : Arrays.compare(ids, o.ids);
    }

    @Override
    public String toString() {
        return Arrays.toString(ids);
    }
}
