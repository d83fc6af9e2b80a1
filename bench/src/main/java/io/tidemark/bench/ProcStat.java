package io.tidemark.bench;

/**
 * One line of Linux's {@code /proc/<pid>/stat} (or {@code /proc/<pid>/task/<tid>/stat}): the fields the CPU figures
 * need, times in clock ticks. {@code comm} is the name between the first {@code (} and the last {@code )}: it may
 * itself hold spaces and parentheses, so the fields after it are counted from the last {@code )}.
 *
 * @param cutime user time of children the process waited for (their own children's included)
 * @param cstime system time of those children
 */
record ProcStat(long pid, String comm, long ppid, long utime, long stime, long cutime, long cstime) {

    /** Parses a stat line; fails on a line that is not one. */
    static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc stat line: " + line);
        }
        long pid = Long.parseLong(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        // After the comm: state (field 3), ppid (4), ..., utime (14), stime (15), cutime (16), cstime (17).
        String[] rest = line.substring(close + 1).trim().split(" +");
        if (rest.length < 15) {
            throw new IllegalArgumentException("a /proc stat line with too few fields: " + line);
        }
        return new ProcStat(pid, comm, Long.parseLong(rest[1]), Long.parseLong(rest[11]), Long.parseLong(rest[12]),
                Long.parseLong(rest[13]), Long.parseLong(rest[14]));
    }

    /** User and system time of the process itself (all its threads, also those that have exited). */
    long ownTicks() {
        return utime + stime;
    }

    /** Its own time and that of the children it has reaped. */
    long withReapedChildren() {
        return ownTicks() + cutime + cstime;
    }
}
