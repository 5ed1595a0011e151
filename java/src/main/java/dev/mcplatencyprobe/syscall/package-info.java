/**
 * Syscall names and numbers of each architecture, generated from the kernel's UAPI headers
 * ({@code scripts/gen-syscall-tables.sh}), and the one list of blocking waits
 * ({@link dev.mcplatencyprobe.syscall.Syscalls#BLOCKING_WAITS}) that the recorder, the verdict and the
 * {@code --mcp} programs all use.
 */
package dev.mcplatencyprobe.syscall;
