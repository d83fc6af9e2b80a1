package io.tidemark.bench;

/** What a contender's table holds: the live row count and a digest of every row's 12 user columns. */
record Fingerprint(long rows, String digest) {
    @Override
    public String toString() {
        return rows + " rows, md5 " + digest;
    }
}
