package dev.mcplatencyprobe.targets;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The cgroup v2 directories a probe follows. While a directory exists its id is in the kernel
 * filter; a directory recreated (a restarted unit) has a new id, which replaces the old one at the
 * next {@link #refreshIfDue}, and the processes already in it are traced. Directories may be added
 * and removed from any thread; refreshes come from the probe's consumer thread.
 */
public final class CgroupWatch {
    /** How often the directories are checked for a new id: a restarted unit is followed this late at most. */
    public static final long REFRESH_NS = TimeUnit.SECONDS.toNanos(1);

    /** Where the watch puts what it finds: the probe's kernel filter. */
    public interface Filter {
        void addCgroup(Path dir, long id);

        void removeCgroup(Path dir, long id);

        /** A process already in a cgroup that was just added: the kernel sees only those that enter it later. */
        void addProcess(long pid);
    }

    private final Map<Path, Long> ids = new ConcurrentHashMap<>(); // dir -> id now in the filter (-1: none)
    private final Filter filter;
    private volatile boolean scanMembers;
    private long nextRefreshNs;

    public CgroupWatch(Filter filter) {
        this.filter = filter;
    }

    /** Follows {@code dir}: its id goes into the filter now if it exists. */
    public void add(Path dir) {
        ids.putIfAbsent(dir, -1L);
        refresh(dir);
    }

    /** Stops following {@code dir} and takes its id out of the filter; true if it was followed. */
    public boolean remove(Path dir) {
        Long id = ids.remove(dir);
        if (id != null && id >= 0) {
            filter.removeCgroup(dir, id);
        }
        return id != null;
    }

    /**
     * From now on a cgroup that gets (a new) id has its current members added too; before, the
     * caller scans them itself once the programs are attached (a process that starts in between is
     * then seen by the kernel hooks).
     */
    public void scanMembersFromNowOn() {
        scanMembers = true;
    }

    public Iterable<Path> dirs() {
        return ids.keySet();
    }

    /** Checks every directory for a new id, at most once per {@link #REFRESH_NS}. Consumer thread. */
    public void refreshIfDue(long nowNs) {
        if (ids.isEmpty() || nowNs - nextRefreshNs < 0) {
            return;
        }
        nextRefreshNs = nowNs + REFRESH_NS;
        ids.keySet().forEach(this::refresh);
    }

    private void refresh(Path dir) {
        OptionalLong now = Cgroups.id(dir);
        long newId = now.orElse(-1L);
        Long oldId = ids.get(dir);
        if (oldId == null || oldId == newId) {
            return;
        }
        if (newId >= 0) {
            filter.addCgroup(dir, newId);
        }
        if (oldId >= 0) {
            filter.removeCgroup(dir, oldId);
        }
        ids.put(dir, newId);
        if (scanMembers && newId >= 0) {
            ProcessScan.inCgroup(dir).forEach(filter::addProcess);
        }
    }
}
