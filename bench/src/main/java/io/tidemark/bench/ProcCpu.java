package io.tidemark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** CPU time of processes and of this JVM's threads, read from Linux's {@code /proc}, in clock ticks. */
final class ProcCpu {

    private static final Path PROC = Paths.get("/proc");
    /** {@code getconf CLK_TCK}: the unit of the times in {@code /proc/.../stat}; 100 on Linux unless built otherwise. */
    static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcCpu() {
    }

    /** The stat of a process or thread, or empty once it has gone. */
    static Optional<ProcStat> read(Path stat) {
        try {
            return Optional.of(ProcStat.parse(Files.readString(stat, StandardCharsets.US_ASCII).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // A process that exits while its file is read fails with ESRCH rather than ENOENT.
            if (!Files.exists(stat)) {
                return Optional.empty();
            }
            throw new UncheckedIOException("cannot read " + stat, e);
        }
    }

    /** User and system time of process {@code pid}, all its threads (also those that have exited). */
    static long processTicks(long pid) {
        return read(PROC.resolve(Long.toString(pid)).resolve("stat")).map(ProcStat::ownTicks)
                .orElseThrow(() -> new IllegalStateException("process " + pid + " has exited"));
    }

    /**
     * A server that forks a process per connection (PostgreSQL's postmaster): its own time, that of the children it
     * has reaped ({@code cutime}, {@code cstime}) and that of its live children. The difference of two such figures
     * is the CPU the server spent in between: a child alive at both ends counts its difference, one that exited in
     * between moved its whole time into the reaped figure.
     */
    static long serverTreeTicks(long pid) {
        ProcStat root = read(PROC.resolve(Long.toString(pid)).resolve("stat"))
                .orElseThrow(() -> new IllegalStateException("process " + pid + " has exited"));
        long ticks = root.withReapedChildren();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path process : processes) {
                Optional<ProcStat> stat = read(process.resolve("stat"));
                if (stat.isPresent() && stat.get().ppid() == pid) {
                    ticks += stat.get().ownTicks();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PROC, e);
        }
        return ticks;
    }

    /** This JVM's time, all its threads. */
    static long thisProcessTicks() {
        return read(PROC.resolve("self").resolve("stat")).orElseThrow().ownTicks();
    }

    /** This JVM's live threads by thread id; {@code comm} is the native thread name, at most 15 characters. */
    static Map<Long, ProcStat> threadsOfThisProcess() {
        Map<Long, ProcStat> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve("self").resolve("task"))) {
            for (Path task : tasks) {
                read(task.resolve("stat")).ifPresent(stat -> threads.put(stat.pid(), stat));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/task", e);
        }
        return threads;
    }

    /** The parent of process {@code pid}. */
    static long parentOf(long pid) {
        return read(PROC.resolve(Long.toString(pid)).resolve("stat")).map(ProcStat::ppid)
                .orElseThrow(() -> new IllegalStateException("process " + pid + " has exited"));
    }

    /** Microseconds of CPU per event for {@code ticks}; NaN for a figure not measured (negative ticks). */
    static double microsPerEvent(long ticks, long events) {
        return ticks < 0 ? Double.NaN : ticks * 1e6 / TICKS_PER_SECOND / events;
    }

    private static boolean isNumber(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String answer = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor() == 0 && !answer.isEmpty()) {
                return Long.parseLong(answer);
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through to Linux's value.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
