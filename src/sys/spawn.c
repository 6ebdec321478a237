/* spawn.c: child processes with posix_spawnp (see spawn.h). */
#include "sys/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/interrupt.h"
#include "sys/log.h"

extern char **environ;

/* environ plus the extra entries; an extra NAME= replaces the inherited one. */
static char **make_env(const char *const *extra)
{
	size_t n = 0, k = 0, m = 0;
	char **env;
	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = xcalloc(n + m + 1, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		int replaced = 0;
		for (size_t j = 0; j < m; j++) {
			size_t len = strcspn(extra[j], "=") + 1;
			if (!strncmp(environ[i], extra[j], len))
				replaced = 1;
		}
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

int spawn_start(struct child *c)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
	char **env = NULL;
	int ret = -1, rc;

	if (c->pipe_io && (pipe2(in_pipe, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0)) {
		error_errno("cannot create a pipe");
		for (int i = 0; i < 2; i++)
			if (in_pipe[i] >= 0)
				close(in_pipe[i]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

	if (c->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, c->cwd);
	if (c->pipe_io) {
		posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
		posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
		posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 2);
	} else {
		if (c->in_fd >= 0)
			posix_spawn_file_actions_adddup2(&fa, c->in_fd, 0);
		else
			posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		if (c->log) {
			posix_spawn_file_actions_addopen(&fa, 1, c->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
			posix_spawn_file_actions_adddup2(&fa, 1, 2);
		}
		if (c->out)
			posix_spawn_file_actions_addopen(&fa, 1, c->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	}
	env = make_env(c->env);
	rc = posix_spawnp(&c->pid, c->argv[0], &fa, &attr, (char *const *)c->argv, env);
	if (rc) {
		/* The file actions fail the same way as the exec: say what they were. */
		errno = rc;
		if (c->cwd || c->log || c->out)
			error_errno("cannot run '%s' (in '%s', output to '%s')", c->argv[0],
				    c->cwd ? c->cwd : ".", c->out ? c->out : c->log ? c->log : "-");
		else
			error_errno("cannot run '%s'", c->argv[0]);
		c->pid = -1;
		goto out;
	}
	interrupt_add_child(c->pid);
	if (c->pipe_io) {
		c->to_child = in_pipe[1];
		c->from_child = out_pipe[0];
		in_pipe[1] = out_pipe[0] = -1;
	}
	ret = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0)
			close(in_pipe[i]);
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
	}
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return ret;
}

int spawn_wait(struct child *c)
{
	int status;
	if (c->pid < 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(c->pid, &status, c->tick ? WNOHANG : 0);
		if (r == c->pid)
			break;
		if (r < 0 && errno != EINTR)
			return error_errno("cannot wait for '%s'", c->argv[0]);
		if (r == 0) { /* still running: the watcher's turn, then a quarter second */
			struct timespec quarter = {0, 250000000};
			c->tick(c->tick_ctx, -1);
			nanosleep(&quarter, NULL);
		}
	}
	int rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	if (c->tick)
		c->tick(c->tick_ctx, rc);
	interrupt_remove_child(c->pid);
	c->pid = -1;
	if (c->to_child >= 0)
		close(c->to_child);
	if (c->from_child >= 0)
		close(c->from_child);
	c->to_child = c->from_child = -1;
	return rc;
}

/* Write word for a POSIX shell: as it is when it needs no quoting, else in single quotes;
 * in NAME=value only the value is quoted, so that an environment assignment stays one. */
static void put_word(FILE *f, const char *word)
{
	const char *v = word;
	size_t name = strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	if (name && word[name] == '=' && !(word[0] >= '0' && word[0] <= '9'))
		v = word + name + 1;
	fwrite(word, 1, (size_t)(v - word), f);
	if (*v && !v[strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			     "_@%+=:,./-")]) {
		fputs(v, f);
		return;
	}
	fputc('\'', f);
	for (; *v; v++)
		if (*v == '\'')
			fputs("'\\''", f);
		else
			fputc(*v, f);
	fputc('\'', f);
}

/* The command line in the log, as a shell would run it again: "$ NAME=value ... argv". */
static void log_argv(const struct child *c)
{
	FILE *f = fopen(c->log, "a");
	if (!f)
		return;
	fputs("$", f);
	if (c->cwd) {
		fputs(" (cd ", f);
		put_word(f, c->cwd);
		fputs(" &&", f);
	}
	for (const char *const *e = c->env; e && *e; e++) {
		fputc(' ', f);
		put_word(f, *e);
	}
	for (const char *const *a = c->argv; *a; a++) {
		fputc(' ', f);
		put_word(f, *a);
	}
	fputs(c->cwd ? ")\n" : "\n", f);
	fclose(f);
}

int spawn_run(struct child *c)
{
	if (c->log)
		log_argv(c);
	if (spawn_start(c) < 0)
		return -1;
	return spawn_wait(c);
}

int spawn_run_logged(struct child *c, const char *what)
{
	int rc = spawn_run(c);
	if (rc > 0 && interrupted()) /* it stopped because it was told to: no log tail */
		return interrupt_check();
	if (rc > 0) {
		error("%s failed (exit %d); last lines below, full log: %s", what ? what : c->argv[0],
		      rc, c->log ? c->log : "(none)");
		if (c->log)
			spawn_tail_log(c->log, 20);
	}
	return rc == 0 ? 0 : -1;
}

void spawn_tail_log(const char *log, int n)
{
	struct buf b;
	size_t i;
	int lines = 0;
	buf_init(&b);
	if (read_file(log, &b) < 0) {
		buf_release(&b);
		return;
	}
	i = b.len;
	if (i && b.data[i - 1] == '\n')
		i--;
	while (i > 0) {
		if (b.data[i - 1] == '\n' && ++lines == n)
			break;
		i--;
	}
	for (char *line = b.data + i; *line;) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		fprintf(stderr, "    %.*s\n", (int)len, line);
		line += len + (end ? 1 : 0);
	}
	buf_release(&b);
}

int spawn_capture(const char *const *argv, struct buf *out)
{
	struct child c = CHILD_INIT;
	char chunk[4096];
	ssize_t n;
	c.argv = argv;
	c.pipe_io = 1;
	if (spawn_start(&c) < 0)
		return -1;
	close(c.to_child);
	c.to_child = -1;
	while ((n = read(c.from_child, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	return spawn_wait(&c);
}
