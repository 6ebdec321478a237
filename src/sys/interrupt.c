/* interrupt.c: Ctrl-C, kill and hang-up turned into an orderly stop (see interrupt.h).
 * Reference: signal-safety(7) (what a handler may call: kill is one). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/interrupt.h"
#include "sys/log.h"

/* Children running at once: make or qemu, with a helper such as mcopy at most. */
#define MAX_CHILDREN 8

static volatile sig_atomic_t got;
static volatile sig_atomic_t told;
static volatile pid_t children[MAX_CHILDREN];

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	/* A second signal when the first has not stopped mkdistro (a long computation of its
	 * own): stop at once, as without this handler */
	if (got) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (!got)
		got = sig;
	/* Ctrl-C reaches the whole foreground process group, children included (si_code
	 * SI_KERNEL); a kill aimed at mkdistro alone must be passed on.  A child stopping
	 * on SIGHUP as on SIGTERM is what is wanted: it is sent SIGTERM. */
	if (si && si->si_code == SI_KERNEL && sig == SIGINT)
		return;
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] > 0)
			kill(children[i], sig == SIGHUP ? SIGTERM : sig);
}

void interrupt_init(int restart)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | (restart ? SA_RESTART : 0);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int interrupted(void)
{
	return got;
}

int interrupt_check(void)
{
	if (!got)
		return 0;
	if (!told) {
		told = 1;
		error("interrupted by SIG%s", sigabbrev_np(got));
	}
	return -1;
}

#ifdef MKDISTRO_TESTING
void interrupt_fault_point(const char *name)
{
	const char *f = getenv("MKDISTRO_FAULT");
	size_t n = strlen(name);
	if (!f || strncmp(f, name, n) || (f[n] && f[n] != ':'))
		return;
	kill(getpid(), !f[n] ? SIGINT : !strcmp(f + n, ":TERM") ? SIGTERM
			 : !strcmp(f + n, ":HUP") ? SIGHUP : SIGINT);
}
#endif

/* The child table is changed with the signals blocked, so that the handler never sees a
 * half-written slot. */
static void set_child(pid_t from, pid_t to)
{
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] == from) {
			children[i] = to;
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void interrupt_add_child(pid_t pid)
{
	set_child(0, pid);
	/* A signal that came just before the child started would not reach it */
	if (got && pid > 0)
		kill(pid, got == SIGHUP ? SIGTERM : got);
}

void interrupt_remove_child(pid_t pid)
{
	if (pid > 0)
		set_child(pid, 0);
}
