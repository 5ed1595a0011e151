/**
 * What a probe traces, resolved outside the kernel: processes by command name and by cgroup from
 * /proc ({@link dev.mcplatencyprobe.targets.ProcessScan}), systemd units to their cgroup directories
 * ({@link dev.mcplatencyprobe.targets.SystemdUnits}, {@link dev.mcplatencyprobe.targets.Cgroups}), directories
 * followed across restarts ({@link dev.mcplatencyprobe.targets.CgroupWatch}), and a command started
 * stopped so that it is traced from its first syscall ({@link dev.mcplatencyprobe.targets.LaunchedCommand}).
 * Failures are {@link dev.mcplatencyprobe.targets.TargetException}s; this package knows nothing of the
 * probe that uses it, and the probe turns them into its own exception.
 */
package dev.mcplatencyprobe.targets;
