/* qemu.c: boot a stick image in QEMU and drive its serial console (see qemu.h).
 *
 * QEMU options used, as documented in the QEMU System Emulation User's Guide
 * (https://www.qemu.org/docs/master/system/invocation.html):
 *   -accel kvm|tcg        accelerator
 *   -m N                  guest RAM in MiB
 *   -snapshot             write to a temporary overlay, never to the image
 *   -no-reboot            exit instead of rebooting, so `reboot -f` ends the VM
 *   -display none -serial stdio -monitor none
 *                         headless; the first serial port is QEMU's stdin/stdout
 *   -chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con
 *                         interactive: serial port and monitor multiplexed on the terminal
 *                         (Ctrl-A X quits, Ctrl-A C monitor, Ctrl-C goes to the guest), see
 *                         "Keys in the character backend multiplexer"
 *   -net none             no NIC, so SeaBIOS neither loads nor tries iPXE
 *   -drive file=F,format=raw|vdi|vmdk|qcow2,if=ide|none,id=ID
 *                         the image; a comma in F is written ",," (QEMU option syntax); the
 *                         format is always given, so QEMU never probes a raw image's contents
 *   -device qemu-xhci,id=xhci -device usb-storage,bus=xhci.0,drive=ID,bootindex=0
 *                         a USB stick; SeaBIOS boots USB only when it has a bootindex
 *                         (docs/system/devices/usb.rst, docs/system/bootindex.rst)
 * Terminal escape sequences are removed (termesc.h) before anything is matched or printed.
 */
#include "boot/qemu.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot/accel.h"
#include "formats/termesc.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/spawn.h"

#define QEMU_BIN "qemu-system-x86_64"
/* Debian's ovmf package: the 4 MiB flash layout, the one its QEMU machine types expect */
#define OVMF_CODE "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define DEFAULT_CMD "uname -a; cat /proc/mounts"
/* The shell computes the number, so our own echoed input never matches the marker. */
#define PROBE "echo MKD_READY_$((6*7))\n"
#define READY "MKD_READY_42"
#define RC_MARK "MKD_RC="
#define PANIC "Kernel panic - not syncing: "
#define RC_ECHO "; echo MKD_\"\"RC=$?\n"
#define PROBE_EVERY 2.0    /* s between probes while waiting for the shell */
#define QUIET 0.5          /* s without output before a probe is sent unprompted */
/* Input sent before init opens the console is cut (the UART FIFO is cleared when the tty
 * opens, and QEMU then delivers the rest), and typed into Syslinux it is a boot command.
 * So unprompted probes start when the kernel says it runs init, or this long after the
 * boot loader was answered if the kernel is quiet; a shell prompt is answered at once. */
#define UNPROMPTED_AFTER 5.0
#define KVM_SILENCE 10.0   /* s without any output after which auto-selected KVM is given up */
#define EXIT_GRACE 5.0     /* s for QEMU to exit by itself after `reboot -f` */
#define KILL_GRACE 2.0     /* s between SIGTERM and SIGKILL */

/* ---- the command line ---- */

struct qargs {
	const char *v[40];
	int n;
	char *owned[4];
	int nowned;
};

static void qa(struct qargs *a, const char *s)
{
	if (a->n < (int)(sizeof(a->v) / sizeof(a->v[0])) - 1)
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static const char *qa_own(struct qargs *a, char *s)
{
	a->owned[a->nowned++] = s;
	return s;
}

static void qargs_release(struct qargs *a)
{
	for (int i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	a->nowned = a->n = 0;
}

/* o->format, or the one the image's name ends in (mkdistro export's), or raw. */
static const char *drive_format(const struct qemu_opts *o)
{
	static const char *const suffixed[] = {"vdi", "vmdk", "qcow2"};
	const char *dot = strrchr(o->image, '.');
	if (o->format)
		return o->format;
	for (size_t i = 0; dot && i < sizeof(suffixed) / sizeof(suffixed[0]); i++)
		if (!strcasecmp(dot + 1, suffixed[i]))
			return suffixed[i];
	return "raw";
}

/* A CD: asked for, or an .iso file not attached as a USB stick. */
static int is_cdrom(const struct qemu_opts *o)
{
	const char *dot = strrchr(o->image, '.');
	return o->cdrom || (!o->usb && dot && !strcasecmp(dot, ".iso"));
}

/* How the image is attached, for messages. */
static const char *medium_name(const struct qemu_opts *o)
{
	if (o->usb)
		return o->uefi ? "a USB stick, with UEFI" : "a USB stick";
	if (is_cdrom(o))
		return o->uefi ? "a CD, with UEFI" : "a CD";
	return o->uefi ? "an IDE disk, with UEFI" : "an IDE disk";
}

/* "file=<path with , doubled>,format=F,if=..." */
static char *drive_spec(const struct qemu_opts *o)
{
	struct buf b;
	buf_init(&b);
	buf_adds(&b, "file=");
	for (const char *p = o->image; *p; p++) {
		if (*p == ',')
			buf_add(&b, ",", 1);
		buf_add(&b, p, 1);
	}
	buf_addf(&b, ",format=%s,%s", drive_format(o),
		 o->usb ? "if=none,id=stick" : is_cdrom(o) ? "if=none,id=cd,media=cdrom,readonly=on"
							   : "if=ide");
	char *spec = buf_detach(&b, NULL);

	return spec;
}

static void qemu_args(struct qargs *a, const struct qemu_opts *o, const char *accel,
		      int interactive)
{
	memset(a, 0, sizeof(*a));
	qa(a, QEMU_BIN);
	qa(a, "-accel");
	qa(a, accel);
	qa(a, "-m");
	qa(a, qa_own(a, xasprintf("%u", o->memory_mb ? o->memory_mb : 256)));
	if (!o->writable)
		qa(a, "-snapshot");
	qa(a, "-no-reboot");
	qa(a, "-net");
	qa(a, "none");
	qa(a, "-display");
	qa(a, "none");
	if (interactive) {
		/* not -nographic: that also turns on SeaBIOS's serial console, which echoes
		 * Syslinux's VGA text, so every line showed twice; signal=off passes Ctrl-C on */
		qa(a, "-chardev");
		qa(a, "stdio,id=con,mux=on,signal=off");
		qa(a, "-serial");
		qa(a, "chardev:con");
		qa(a, "-mon");
		qa(a, "chardev=con,mode=readline");
	} else {
		qa(a, "-serial");
		qa(a, "stdio");
		qa(a, "-monitor");
		qa(a, "none");
	}
	if (o->uefi) {
		/* OVMF's code and its variable store, which -snapshot keeps unchanged */
		qa(a, "-drive");
		qa(a, "if=pflash,format=raw,readonly=on,file=" OVMF_CODE);
		qa(a, "-drive");
		qa(a, o->writable ? "if=pflash,format=raw,snapshot=on,file=" OVMF_VARS
				  : "if=pflash,format=raw,file=" OVMF_VARS);
	}
	qa(a, "-drive");
	qa(a, qa_own(a, drive_spec(o)));
	if (o->usb) {
		qa(a, "-device");
		qa(a, "qemu-xhci,id=xhci");
		qa(a, "-device");
		qa(a, "usb-storage,bus=xhci.0,drive=stick,bootindex=0");
	} else if (is_cdrom(o)) {
		qa(a, "-device");
		qa(a, "ide-cd,drive=cd,bootindex=0");
	}
}

static int check_image(const char *image, int uefi)
{
	struct stat st;
	if (uefi && (!file_exists(OVMF_CODE) || !file_exists(OVMF_VARS)))
		return error("UEFI firmware '%s' not found; install the Debian package 'ovmf'",
			     OVMF_CODE);
	if (!image)
		return error("no image to boot");
	if (stat(image, &st) < 0)
		return error_errno("cannot boot '%s'", image);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return error("cannot boot '%s': not a file or block device", image);
	return 0;
}

/* ---- interactive ---- */

int qemu_run(const struct qemu_opts *o)
{
	struct child c = CHILD_INIT;
	struct qargs a;
	struct accel accel;
	int ret;

	if (check_image(o->image, o->uefi) < 0 || accel_choose(o->accel, &accel) < 0)
		return -1;
	qemu_args(&a, o, accel.name, 1);
	info("booting '%s' as %s with %s (%s); Ctrl-A X quits, so does `reboot` in the guest",
	     o->image, medium_name(o), accel.name, accel.why);
	if (o->label)
		info("type '%s' at the boot: prompt", o->label);
	c.argv = a.v;
	c.in_fd = STDIN_FILENO;
	ret = spawn_start(&c) < 0 ? -1 : spawn_wait(&c);
	qargs_release(&a);
	return ret;
}

/* ---- headless test ---- */

struct session {
	struct child c;
	struct buf text;     /* all output so far, stripped */
	struct termesc esc; /* the escape sequence a read may have left half done */
	double t0;
	double last_output; /* when text last grew */
	int eof;
	int discard;        /* being killed: its last words are not part of the transcript */
	int quiet;          /* keep the transcript off stdout */
};

/* Wait until until for output; append it (stripped) to s->text and stdout.
 * Returns 1 with new text, 0 when nothing came, -1 at end of file. */
static int session_read(struct session *s, double until)
{
	struct pollfd p = { .fd = s->c.from_child, .events = POLLIN };
	char raw[4096], clean[4096];
	double left = until - log_now();
	int ms = left > 0 ? (int)(left * 1000) + 1 : 0;
	ssize_t n;
	size_t k;

	if (s->eof)
		return -1;
	if (poll(&p, 1, ms) <= 0)
		return 0; /* timeout, or EINTR: the caller looks at the clock again */
	n = read(s->c.from_child, raw, sizeof(raw));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : (s->eof = 1, -1);
	if (n == 0) {
		s->eof = 1;
		return -1;
	}
	k = termesc_strip(&s->esc, raw, (size_t)n, clean);
	if (!k || s->discard)
		return 0;
	buf_add(&s->text, clean, k);
	s->last_output = log_now();
	if (!s->quiet) {
		fwrite(clean, 1, k, stdout);
		fflush(stdout);
	}
	return 1;
}

/* Type into the guest.  A closed pipe means QEMU is gone; the read side reports that. */
static void session_send(struct session *s, const char *str)
{
	if (write_all(s->c.to_child, str, strlen(str)) < 0 && errno != EPIPE)
		warning("cannot write to QEMU: %s", strerror(errno));
}

/* 1 when the child has exited (not reaped: spawn_wait does that). */
static int exited(pid_t pid)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return si.si_pid == pid;
}

/* Keep reading (QEMU must not block on a full pipe) until it exits or until passes. */
static int drain_until_exit(struct session *s, double until)
{
	while (!exited(s->c.pid)) {
		if (log_now() >= until)
			return 0;
		if (s->eof) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		} else {
			double step = log_now() + 0.05;
			session_read(s, step < until ? step : until);
		}
	}
	return 1;
}

/* End QEMU: give it grace seconds to exit by itself, then SIGTERM, then SIGKILL; always
 * reap.  Returns its exit status. */
static int session_stop(struct session *s, double grace)
{
	if (s->c.pid < 0)
		return -1;
	if (!drain_until_exit(s, log_now() + grace)) {
		s->discard = 1;
		kill(s->c.pid, SIGTERM);
		if (!drain_until_exit(s, log_now() + KILL_GRACE))
			kill(s->c.pid, SIGKILL);
	}
	return spawn_wait(&s->c);
}

/* Print the last n lines of the text to stderr, indented. */
static void tail_lines(const struct buf *t, int n)
{
	size_t i = t->len;
	int lines = 0;
	while (i > 0 && (t->data[i - 1] == '\n' || t->data[i - 1] == ' '))
		i--;
	size_t end = i;
	if (!end)
		return;
	while (i > 0 && !(t->data[i - 1] == '\n' && ++lines == n))
		i--;
	for (const char *line = t->data + i; line < t->data + end;) {
		const char *nl = memchr(line, '\n', (size_t)(t->data + end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(t->data + end - line);
		fprintf(stderr, "    %.*s\n", (int)len, line);
		line += len + 1;
	}
}

static const char *find(const struct buf *t, size_t from, const char *needle)
{
	if (from >= t->len)
		return NULL;
	return memmem(t->data + from, t->len - from, needle, strlen(needle));
}

/* "boot:" at the start of a line, at or after from. */
static const char *find_boot_prompt(const struct buf *t, size_t from)
{
	for (const char *p = find(t, from, "boot:"); p; p = find(t, (size_t)(p - t->data) + 1, "boot:"))
		if (p == t->data || p[-1] == '\n')
			return p;
	return NULL;
}

/* The output ends with a shell prompt such as "~ # " or "$ ". */
static int prompt_at_end(const struct buf *t)
{
	return t->len >= 2 && t->data[t->len - 1] == ' ' &&
	       (t->data[t->len - 2] == '#' || t->data[t->len - 2] == '$');
}

/* "MKD_RC=<digits>\n" at or after from: 1 with *rc set. */
static int find_rc(const struct buf *t, size_t from, int *rc)
{
	for (const char *p = find(t, from, RC_MARK); p; p = find(t, (size_t)(p - t->data) + 1, RC_MARK)) {
		const char *d = p + strlen(RC_MARK), *end = t->data + t->len;
		const char *e = d;
		while (e < end && *e >= '0' && *e <= '9' && e - d < 4)
			e++;
		if (e > d && e < end && *e == '\n') {
			*rc = atoi(d);
			return 1;
		}
	}
	return 0;
}

enum { RUN_KVM_BROKEN = -2 };
enum phase { PH_LOADER, PH_SHELL, PH_READY, PH_CMD, PH_DOWN };

static const char *waiting_for[] = {
	[PH_LOADER] = "the boot loader's boot: prompt",
	[PH_SHELL] = "a shell on the serial console",
	[PH_READY] = "a shell on the serial console",
	[PH_CMD] = "the command to finish",
	[PH_DOWN] = "QEMU to exit",
};

/* One boot.  Returns 0 (shell reached, *cmd_rc set), -1 (reported), or RUN_KVM_BROKEN
 * (not reported) when kvm_watch is set and KVM shows no sign of life. */
static int run_once(const struct qemu_opts *o, const char *accel, int kvm_watch,
		    struct buf *text, double *t_shell, int *cmd_rc)
{
	struct session s = { .c = CHILD_INIT, .quiet = o->quiet };
	struct qargs a;
	unsigned timeout = o->timeout_s ? o->timeout_s : 60;
	const char *cmd = !o->cmd ? DEFAULT_CMD : *o->cmd ? o->cmd : ":";
	enum phase ph = PH_LOADER;
	size_t from = 0, probed_len = (size_t)-1;
	double deadline, next_probe = 0, cmd_at = 0;
	int ret = -1, answered = 0, init_started = 0, prompt_probes = 0, status;

	termesc_init(&s.esc);
	qemu_args(&a, o, accel, 0);
	s.c.argv = a.v;
	s.c.pipe_io = 1;
	s.text = *text;
	s.t0 = s.last_output = log_now();
	deadline = s.t0 + timeout;
	if (spawn_start(&s.c) < 0)
		goto out_noproc;

	while (ph != PH_DOWN) {
		double now = log_now(), until = deadline;
		size_t old_len = s.text.len;
		const char *p;
		int r;

		if (now >= deadline) {
			if (!s.text.len)
				error("timed out after %u s: nothing on the serial line (no bootable "
				      "disk, or no SERIAL line in syslinux.cfg?)", timeout);
			else
				error("timed out after %u s waiting for %s%s; last lines:", timeout,
				      waiting_for[ph],
				      ph == PH_SHELL && !find(&s.text, 0, "Linux version")
					      ? " (nothing from the kernel: no console=ttyS0?)" : "");
			tail_lines(&s.text, 12);
			goto out;
		}
		if (kvm_watch && !s.text.len) {
			if (now - s.t0 >= KVM_SILENCE) {
				ret = RUN_KVM_BROKEN;
				goto out;
			}
			if (s.t0 + KVM_SILENCE < until)
				until = s.t0 + KVM_SILENCE;
		}
		if (ph == PH_SHELL && now >= next_probe) {
			/* Only into a quiet console: while the kernel still talks, the shell is not
			 * up, and input that arrives as init opens the tty can lose its start. */
			if (now - s.last_output >= QUIET) {
				session_send(&s, PROBE);
				probed_len = s.text.len;
				next_probe = now + PROBE_EVERY;
			} else {
				next_probe = s.last_output + QUIET;
			}
		}
		if (ph == PH_READY && now >= cmd_at) {
			session_send(&s, cmd);
			session_send(&s, RC_ECHO);
			ph = PH_CMD;
			continue;
		}
		if (ph == PH_SHELL && next_probe < until)
			until = next_probe;
		if (ph == PH_READY && cmd_at < until)
			until = cmd_at;

		r = session_read(&s, until);
		now = log_now();
		if (r < 0) {
			status = session_stop(&s, KILL_GRACE);
			if (kvm_watch && ph == PH_LOADER) {
				ret = RUN_KVM_BROKEN; /* e.g. "failed to initialize kvm" */
				goto out;
			}
			error("QEMU exited (status %d) while waiting for %s; last lines:", status,
			      waiting_for[ph]);
			tail_lines(&s.text, 12);
			goto out;
		}
		if (r == 0)
			continue;

		/* look only at the new text (plus an overlap for a marker split across reads) */
		size_t fresh = old_len > 40 ? old_len - 40 : 0;
		if (ph >= PH_CMD)
			; /* the command's own output may say anything */
		else if (find(&s.text, fresh, "KVM internal error")) {
			if (kvm_watch) {
				ret = RUN_KVM_BROKEN;
				goto out;
			}
			error("QEMU's KVM failed; try MKDISTRO_ACCEL=tcg; last lines:");
			tail_lines(&s.text, 12);
			goto out;
		} else if ((p = find(&s.text, fresh, PANIC))) {
			/* let the panic message arrive in full before reporting it */
			size_t at = (size_t)(p - s.text.data) + strlen(PANIC);
			double t = log_now() + 0.5;
			while (log_now() < t && session_read(&s, t) >= 0)
				;
			p = s.text.data + at;
			error("the guest kernel panicked: %.*s; last lines:", (int)strcspn(p, "\n"), p);
			tail_lines(&s.text, 12);
			goto out;
		}

		switch (ph) {
		case PH_LOADER:
			if ((p = find(&s.text, from, "boot:"))) {
				/* Syslinux reads the line raw: Enter is a carriage return */
				if (o->label)
					session_send(&s, o->label);
				session_send(&s, "\r");
				answered = 1;
				from = (size_t)(p - s.text.data) + 5;
				ph = PH_SHELL;
				next_probe = now + UNPROMPTED_AFTER;
			} else if (find(&s.text, from, "Linux version") || prompt_at_end(&s.text)) {
				if (o->label) {
					error("no boot: prompt on the serial line, so label '%s' cannot "
					      "be chosen (syslinux.cfg needs SERIAL and PROMPT 1)", o->label);
					goto out;
				}
				ph = PH_SHELL;
				next_probe = now + UNPROMPTED_AFTER;
			}
			break;
		case PH_SHELL:
			if ((p = find(&s.text, from, READY))) {
				*t_shell = now - s.t0;
				from = (size_t)(p - s.text.data) + strlen(READY);
				ph = PH_READY;
				/* the command goes after the next prompt, or in 1 s without one */
				cmd_at = s.text.len > from && prompt_at_end(&s.text) ? now : now + 1.0;
			} else if (answered && find_boot_prompt(&s.text, from)) {
				error("the boot loader did not boot %s%s%s; it asked again; last lines:",
				      o->label ? "label '" : "the default label", o->label ? o->label : "",
				      o->label ? "'" : "");
				tail_lines(&s.text, 12);
				goto out;
			} else if (prompt_at_end(&s.text) && s.text.len != probed_len &&
				   prompt_probes++ < 10) {
				/* A prompt just appeared: ask now rather than at the next tick.  Not
				 * forever: a shell that cannot answer prompts again after each probe. */
				session_send(&s, PROBE);
				probed_len = s.text.len;
				next_probe = now + PROBE_EVERY;
			} else if (!init_started && find(&s.text, from, "as init process")) {
				/* the console is open from now on: what we type is kept */
				init_started = 1;
				if (now + QUIET < next_probe)
					next_probe = now + QUIET;
			}
			break;
		case PH_READY:
			if (prompt_at_end(&s.text))
				cmd_at = now;
			break;
		case PH_CMD:
			if (find_rc(&s.text, from, cmd_rc)) {
				session_send(&s, "reboot -f\n");
				ph = PH_DOWN;
			}
			break;
		case PH_DOWN:
			break;
		}
	}
	ret = 0;
	status = session_stop(&s, EXIT_GRACE);
	if (status != 0)
		warning("QEMU did not end cleanly after `reboot -f` (status %d)", status);
out:
	if (s.c.pid >= 0)
		session_stop(&s, 0);
out_noproc:
	*text = s.text;
	qargs_release(&a);
	return ret;
}

int qemu_test(const struct qemu_opts *o, double *seconds_to_shell)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	struct buf text;
	struct accel accel;
	double t_shell = -1;
	int ret, rc = -1;

	if (seconds_to_shell)
		*seconds_to_shell = -1;
	if (check_image(o->image, o->uefi) < 0 || accel_choose(o->accel, &accel) < 0)
		return -1;
	info("booting '%s' as %s with %s (%s)", o->image, medium_name(o), accel.name, accel.why);

	buf_init(&text);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	ret = run_once(o, accel.name, accel.automatic && !strcmp(accel.name, "kvm"), &text,
		       &t_shell, &rc);
	if (ret == RUN_KVM_BROKEN) {
		warning("KVM failed or showed nothing for %.0f s; booting again with TCG",
			KVM_SILENCE);
		buf_reset(&text);
		ret = run_once(o, "tcg", 0, &text, &t_shell, &rc);
	}
	sigaction(SIGPIPE, &old_pipe, NULL);

	if (ret == 0) {
		if (!o->quiet)
			printf("%sshell after %.2f s; command exited %d\n",
			       text.len && text.data[text.len - 1] != '\n' ? "\n" : "", t_shell, rc);
		if (fflush(stdout) == EOF || ferror(stdout))
			ret = error_errno("cannot write the transcript to stdout");
		else if (rc != 0)
			ret = error("command '%s' exited %d in the guest",
				    o->cmd ? o->cmd : DEFAULT_CMD, rc);
	}
	if (o->transcript &&
	    write_file_atomic(o->transcript, text.data, text.len, 0644) < 0)
		ret = -1;
	if (seconds_to_shell)
		*seconds_to_shell = t_shell;
	buf_release(&text);
	return ret;
}
