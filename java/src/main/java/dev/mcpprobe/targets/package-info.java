/**
 * What a probe traces, resolved outside the kernel: processes by command name and by cgroup from
 * /proc ({@link dev.mcpprobe.targets.ProcessScan}), systemd units to their cgroup directories
 * ({@link dev.mcpprobe.targets.SystemdUnits}, {@link dev.mcpprobe.targets.Cgroups}), directories
 * followed across restarts ({@link dev.mcpprobe.targets.CgroupWatch}), and a command started
 * stopped so that it is traced from its first syscall ({@link dev.mcpprobe.targets.LaunchedCommand}).
 * Failures are {@link dev.mcpprobe.targets.TargetException}s; this package knows nothing of the
 * probe that uses it, and the probe turns them into its own exception.
 */
package dev.mcpprobe.targets;
