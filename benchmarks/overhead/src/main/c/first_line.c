// SPDX-License-Identifier: Apache-2.0
/*
 * Start-up time of a tracer: runs a command with stdout and stderr on a pipe and prints how long
 * after exec each PATTERN first appeared in its output, in order; then stops it with SIGINT and
 * prints its peak RSS.
 *
 *   first_line [-t TIMEOUT_S] PATTERN... -- COMMAND [ARG]...
 *
 * Output: one "PATTERN ms" line per pattern, then "maxrss_kib N"; what the command printed goes to
 * stderr. Exit status 1 if a pattern never appeared before the command ended or the timeout passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define LINE_BYTES 4096
#define STOP_GRACE_MS 5000

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Waits for the child up to grace_ms, then kills it; returns its rusage. */
static void reap(pid_t pid, int grace_ms, struct rusage *usage)
{
	int status;

	for (int waited = 0; waited < grace_ms; waited += 10) {
		if (wait4(pid, &status, WNOHANG, usage) == pid)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	wait4(pid, &status, 0, usage);
}

int main(int argc, char **argv)
{
	char **patterns = argv + 1, line[LINE_BYTES];
	int npatterns = 0, next = 0, fds[2], opt_at = 1, len = 0;
	double timeout_s = 30, start, found[64];
	struct rusage usage = {};
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-t")) {
		timeout_s = atof(argv[2]);
		opt_at = 3;
	}
	patterns = argv + opt_at;
	while (opt_at + npatterns < argc && strcmp(argv[opt_at + npatterns], "--"))
		npatterns++;
	if (npatterns == 0 || npatterns > 64 || opt_at + npatterns + 1 >= argc) {
		fprintf(stderr, "usage: %s [-t TIMEOUT_S] PATTERN... -- COMMAND [ARG]...\n", argv[0]);
		return 2;
	}
	if (pipe(fds))
		return perror("pipe"), 1;
	start = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[opt_at + npatterns + 1], argv + opt_at + npatterns + 1);
		perror("exec");
		_exit(127);
	}
	close(fds[1]);

	/* Lines are matched as they arrive; a pattern is looked for only after the previous one was seen. */
	while (next < npatterns) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		int left = (int)(start + timeout_s * 1e3 - now_ms());
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		n = read(fds[0], line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			break;
		if (write(2, line + len, n) < 0) { /* only a copy for the curious */ }
		len += n;
		line[len] = 0;
		while (next < npatterns && strstr(line, patterns[next]))
			found[next++] = now_ms() - start;
		/* Keep only the unfinished last line. */
		char *nl = strrchr(line, '\n');
		if (nl) {
			len = strlen(nl + 1);
			memmove(line, nl + 1, len + 1);
		} else if (len == sizeof(line) - 1) {
			len = 0;
		}
	}
	kill(pid, SIGINT);
	reap(pid, STOP_GRACE_MS, &usage);
	for (int i = 0; i < next; i++)
		printf("%s %.1f\n", patterns[i], found[i]);
	printf("maxrss_kib %ld\n", usage.ru_maxrss);
	return next == npatterns ? 0 : 1;
}
