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
#include "build/arch.h"
#include "formats/grubcfg.h"
#include "formats/termesc.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/spawn.h"
#include "sys/strvec.h"

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

/* The CPU emulated: the plan's (build/arch.h), x86_64 when the caller names none. */
static const struct arch *arch_of(const struct qemu_opts *o)
{
	return o->arch ? o->arch : arch_default();
}

/* UEFI: asked for, or the only firmware the CPU has (arm64) */
static int uefi(const struct qemu_opts *o)
{
	return o->uefi || !arch_of(o)->bios;
}

/* A disk that is neither a USB stick nor a CD: IDE on a PC; virtio on a machine without IDE
 * (arm64's virt) */
static int virtio_disk(const struct qemu_opts *o)
{
	return !arch_of(o)->bios && !o->usb && !is_cdrom(o);
}

/* How the image is attached, for messages. */
static const char *medium_name(const struct qemu_opts *o)
{
	if (o->usb)
		return uefi(o) ? "a USB stick, with UEFI" : "a USB stick";
	if (is_cdrom(o))
		return uefi(o) ? "a CD, with UEFI" : "a CD";
	if (virtio_disk(o))
		return "a virtio disk, with UEFI";
	return uefi(o) ? "an IDE disk, with UEFI" : "an IDE disk";
}

/* "file=<path with , doubled>,format=F,if=..." */
static void push_drive_spec(struct strvec *a, const struct qemu_opts *o)
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
		 o->usb ? "if=none,id=stick"
		 : is_cdrom(o) ? "if=none,id=cd,media=cdrom,readonly=on"
		 : virtio_disk(o) ? "if=none,id=disk"
				  : "if=ide");
	strvec_push(a, b.data);
	buf_release(&b);
}

static void qemu_args(struct strvec *a, const struct qemu_opts *o, const char *accel,
		      int interactive)
{
	const struct arch *arch = arch_of(o);
	strvec_pushl(a, arch->qemu, "-accel", accel, NULL);
	if (arch->qemu_cpu)
		strvec_pushl(a, "-cpu", arch->qemu_cpu, NULL);
	strvec_push(a, "-m");
	strvec_pushf(a, "%u", o->memory_mb ? o->memory_mb : 256);
	if (!o->writable)
		strvec_push(a, "-snapshot");
	strvec_pushl(a, "-no-reboot", "-net", "none", "-display", "none", NULL);
	if (interactive)
		/* not -nographic: that also turns on SeaBIOS's serial console, which echoes
		 * Syslinux's VGA text, so every line showed twice; signal=off passes Ctrl-C on */
		strvec_pushl(a, "-chardev", "stdio,id=con,mux=on,signal=off", "-serial", "chardev:con",
			     "-mon", "chardev=con,mode=readline", NULL);
	else
		strvec_pushl(a, "-serial", "stdio", "-monitor", "none", NULL);
	if (arch->machine)
		strvec_pushl(a, "-machine", arch->machine, NULL);
	if (arch->qemu_boot)
		strvec_pushl(a, "-boot", arch->qemu_boot, NULL);
	else if (uefi(o) && arch->uefi_machine)
		strvec_pushl(a, "-machine", arch->uefi_machine, NULL);
	if (uefi(o) && arch->uefi_secure_flash)
		strvec_pushl(a, "-global", "driver=cfi.pflash01,property=secure,value=on", NULL);
	if (uefi(o)) {
		/* OVMF's code and its variable store, which -snapshot keeps unchanged (Debian's
		 * 4 MiB flash layout, the one its QEMU machine types expect) */
		strvec_push(a, "-drive");
		strvec_pushf(a, "if=pflash,format=raw,readonly=on,file=%s", arch->ovmf_code);
		strvec_push(a, "-drive");
		strvec_pushf(a, "if=pflash,format=raw,%sfile=%s", o->writable ? "snapshot=on," : "",
			     arch->ovmf_vars);
	}
	strvec_push(a, "-drive");
	push_drive_spec(a, o);
	if (o->usb)
		strvec_pushl(a, "-device", "qemu-xhci,id=xhci", "-device",
			     "usb-storage,bus=xhci.0,drive=stick,bootindex=0", NULL);
	else if (is_cdrom(o))
		strvec_pushl(a, "-device", "ide-cd,drive=cd,bootindex=0", NULL);
	else if (virtio_disk(o))
		strvec_pushl(a, "-device", "virtio-blk-pci,drive=disk,bootindex=0", NULL);
}

/* KVM or TCG (accel.h); TCG without asking when the host's CPU cannot run the guest's */
static int choose_accel(const struct qemu_opts *o, struct accel *accel)
{
	if (arch_native(arch_of(o)))
		return accel_choose(o->accel, accel);
	if (accel_choose("tcg", accel) < 0)
		return -1;
	snprintf(accel->why, sizeof(accel->why), "emulating %s on this host", arch_of(o)->name);
	return 0;
}

static int check_image(const struct qemu_opts *o)
{
	const struct arch *arch = arch_of(o);
	const char *image = o->image;
	struct stat st;
	char *bin = which(arch->qemu);
	int have_bin = bin != NULL;
	free(bin);
	if (!have_bin)
		return error("'%s' not found; install the Debian package '%s'", arch->qemu,
			     arch->qemu_package);
	if (uefi(o) && (!file_exists(arch->ovmf_code) || !file_exists(arch->ovmf_vars)))
		return error("UEFI firmware '%s' not found; install the Debian package '%s'",
			     arch->ovmf_code, arch->ovmf_package);
	if (!arch->bios && is_cdrom(o))
		return error("%s has no CD to boot from here (QEMU's %s machine has no IDE); boot "
			     "the stick image as a disk or a USB stick", arch->name, arch->machine);
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
	struct strvec a;
	struct accel accel;
	int ret;

	if (check_image(o) < 0 || choose_accel(o, &accel) < 0)
		return -1;
	strvec_init(&a);
	qemu_args(&a, o, accel.name, 1);
	info("booting '%s' as %s with %s (%s); Ctrl-A X quits, so does `reboot` in the guest",
	     o->image, medium_name(o), accel.name, accel.why);
	if (o->label)
		info("type '%s' at the boot: prompt", o->label);
	c.argv = a.v;
	c.in_fd = STDIN_FILENO;
	ret = spawn_start(&c) < 0 ? -1 : spawn_wait(&c);
	strvec_clear(&a);
	return ret;
}

/* ---- headless test ---- */

/* The phases of a boot, in order; each is a function below. */
enum phase {
	PH_LOADER, /* waiting for the boot loader's prompt, to type the label */
	PH_SHELL,  /* waiting for a shell to answer a probe */
	PH_READY,  /* the shell answered: waiting for its prompt, to type the command */
	PH_CMD,    /* waiting for the command's exit status */
};

static const char *waiting_for[] = {
	[PH_LOADER] = "the boot loader's boot: prompt",
	[PH_SHELL] = "a shell on the serial console",
	[PH_READY] = "a shell on the serial console",
	[PH_CMD] = "the command to finish",
};

/* Not an error: an automatically chosen KVM showed no sign of life, so boot again with TCG. */
enum { RUN_KVM_BROKEN = -2 };

/* One boot of a headless test, carried from phase to phase. */
struct session {
	const struct qemu_opts *o;
	struct strvec args;
	struct child c;
	struct buf text;     /* all output so far, stripped */
	struct termesc esc;  /* the escape sequence a read may have left half done */
	enum phase phase;
	unsigned timeout;    /* s from power-on to the command's end */
	double t0, deadline;
	double last_output;  /* when text last grew */
	int kvm_watch;       /* give up KVM when it shows nothing (RUN_KVM_BROKEN) */
	int eof;
	int discard;         /* being killed: its last words are not part of the transcript */
	int quiet;           /* keep the transcript off stdout */
	size_t from;         /* where in text the next marker is looked for */
	/* waiting for the shell */
	int answered;        /* the boot loader's prompt was answered */
	int escaped;         /* Esc was sent for GRUB's boot: prompt */
	int init_started;    /* the kernel said it runs init: the console keeps what we type */
	int prompt_probes;   /* probes sent because a prompt appeared */
	size_t probed_len;   /* text's length when the last probe went out */
	double next_probe;
	double cmd_at;       /* when the command is to be typed */
	/* results */
	double t_shell;      /* from t0 to the shell's first answer; negative: none yet */
	int cmd_rc;          /* the command's exit status */
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

static void session_init(struct session *s, const struct qemu_opts *o, int kvm_watch,
			 struct buf *text)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	strvec_init(&s->args);
	s->c = (struct child)CHILD_INIT;
	s->text = *text;
	termesc_init(&s->esc);
	s->timeout = o->timeout_s ? o->timeout_s : 60;
	s->kvm_watch = kvm_watch;
	s->quiet = o->quiet;
	s->probed_len = (size_t)-1;
	s->t_shell = -1;
}

/* Stop QEMU if it still runs, and hand the transcript back to text. */
static void session_release(struct session *s, struct buf *text)
{
	if (s->c.pid >= 0)
		session_stop(s, 0);
	*text = s->text;
	strvec_clear(&s->args);
}

/* The clock, before each wait: past the time limit is an error (reported, -1); KVM that has
 * shown nothing for KVM_SILENCE s is given up (RUN_KVM_BROKEN).  Otherwise 0, with *now and
 * *until, the time to wait until (the limit, or the end of KVM's grace). */
static int session_clock(struct session *s, double *now, double *until)
{
	*now = log_now();
	*until = s->deadline;
	if (*now >= s->deadline) {
		if (!s->text.len)
			error("timed out after %u s: nothing on the serial line (no bootable disk, or "
			      "no SERIAL line in syslinux.cfg?)", s->timeout);
		else
			error("timed out after %u s waiting for %s%s; last lines:", s->timeout,
			      waiting_for[s->phase],
			      s->phase == PH_SHELL && !find(&s->text, 0, "Linux version")
				      ? " (nothing from the kernel: no console=ttyS0?)" : "");
		tail_lines(&s->text, 12);
		return -1;
	}
	if (s->kvm_watch && !s->text.len) {
		if (*now - s->t0 >= KVM_SILENCE)
			return RUN_KVM_BROKEN;
		if (s->t0 + KVM_SILENCE < *until)
			*until = s->t0 + KVM_SILENCE;
	}
	return 0;
}

/* Whether the text from fresh on shows the guest failing before the command runs: KVM's
 * internal error, or a kernel panic (reported, once its message has arrived). */
static int guest_failed(struct session *s, size_t fresh)
{
	const char *p;
	if (find(&s->text, fresh, "KVM internal error")) {
		if (s->kvm_watch)
			return RUN_KVM_BROKEN;
		error("QEMU's KVM failed; try MKDISTRO_ACCEL=tcg; last lines:");
	} else if ((p = find(&s->text, fresh, PANIC))) {
		size_t at = (size_t)(p - s->text.data) + strlen(PANIC);
		double t = log_now() + 0.5;
		while (log_now() < t && session_read(s, t) >= 0)
			;
		p = s->text.data + at;
		error("the guest kernel panicked: %.*s; last lines:", (int)strcspn(p, "\n"), p);
	} else {
		return 0;
	}
	tail_lines(&s->text, 12);
	return -1;
}

/* Wait until until for output.  Returns 1 with new text, 0 with none (the caller looks at
 * the clock again), -1 when QEMU ended or the guest failed (reported), or RUN_KVM_BROKEN
 * (not reported). */
static int session_wait(struct session *s, double until)
{
	size_t old_len = s->text.len;
	int r = session_read(s, until), status;

	if (r < 0) {
		status = session_stop(s, KILL_GRACE);
		if (s->kvm_watch && s->phase == PH_LOADER)
			return RUN_KVM_BROKEN; /* e.g. "failed to initialize kvm" */
		error("QEMU exited (status %d) while waiting for %s; last lines:", status,
		      waiting_for[s->phase]);
		tail_lines(&s->text, 12);
		return -1;
	}
	if (r == 0 || s->phase >= PH_CMD) /* the command's own output may say anything */
		return r;
	/* look only at the new text (plus an overlap for a marker split across reads) */
	r = guest_failed(s, old_len > 40 ? old_len - 40 : 0);
	return r < 0 ? r : 1;
}

/* session_clock, then session_wait until the earlier of its time and until. */
static int session_next(struct session *s, double until)
{
	double now, limit;
	int r = session_clock(s, &now, &limit);
	if (r < 0)
		return r;
	return session_wait(s, until < limit ? until : limit);
}

/* Start QEMU, its first serial port on pipes.  Returns 0 or -1 (reported). */
static int boot_start(struct session *s, const char *accel)
{
	qemu_args(&s->args, s->o, accel, 0);
	s->c.argv = s->args.v;
	s->c.pipe_io = 1;
	s->t0 = s->last_output = log_now();
	s->deadline = s->t0 + s->timeout;
	return spawn_start(&s->c);
}

/* Wait for Syslinux's boot: prompt and type the label; a kernel or a shell that comes
 * without a prompt will do when there is no label to type. */
static int boot_loader(struct session *s)
{
	const char *label = s->o->label, *p;
	int r;

	s->phase = PH_LOADER;
	while ((r = session_next(s, s->deadline)) >= 0) {
		double now = log_now();
		if (r == 0)
			continue;
		if (!s->escaped && find(&s->text, s->from, GRUBCFG_ESC_HINT)) {
			/* GRUB's menu (formats/grubcfg.h) gives its boot: prompt on Esc or F4.
			 * Esc: F4's bytes (ESC O S) sent at once reached GRUB as three keys
			 * here, and "OS" became the label; a lone Esc reaches it after the
			 * firmware's wait for the rest of an escape sequence, about 2 s */
			session_send(s, "\x1b");
			s->escaped = 1;
			continue;
		}
		if ((p = find(&s->text, s->from, "boot:"))) {
			/* Syslinux reads the line raw: Enter is a carriage return (GRUB's read
			 * takes it too) */
			if (label)
				session_send(s, label);
			session_send(s, "\r");
			s->answered = 1;
			s->from = (size_t)(p - s->text.data) + 5;
			s->next_probe = now + UNPROMPTED_AFTER;
			return 0;
		}
		if (find(&s->text, s->from, "Linux version") || prompt_at_end(&s->text)) {
			if (label)
				return error("no boot: prompt on the serial line, so label '%s' cannot "
					     "be chosen (syslinux.cfg needs SERIAL and PROMPT 1)", label);
			s->next_probe = now + UNPROMPTED_AFTER;
			return 0;
		}
	}
	return r;
}

/* Probe for the shell when it is time: only into a quiet console, as while the kernel
 * still talks the shell is not up, and input that arrives as init opens the tty can lose
 * its start. */
static void shell_probe_due(struct session *s, double now)
{
	if (now < s->next_probe)
		return;
	if (now - s->last_output >= QUIET) {
		session_send(s, PROBE);
		s->probed_len = s->text.len;
		s->next_probe = now + PROBE_EVERY;
	} else {
		s->next_probe = s->last_output + QUIET;
	}
}

/* What new text says while waiting for the shell: 1 when it answered, 0 to wait on, -1
 * when the boot loader asked again (reported). */
static int shell_seen(struct session *s, double now)
{
	const char *label = s->o->label, *p;

	if ((p = find(&s->text, s->from, READY))) {
		s->t_shell = now - s->t0;
		s->from = (size_t)(p - s->text.data) + strlen(READY);
		/* the command goes after the next prompt, or in 1 s without one */
		s->cmd_at = s->text.len > s->from && prompt_at_end(&s->text) ? now : now + 1.0;
		return 1;
	}
	if (s->answered && find_boot_prompt(&s->text, s->from)) {
		error("the boot loader did not boot %s%s%s; it asked again; last lines:",
		      label ? "label '" : "the default label", label ? label : "", label ? "'" : "");
		tail_lines(&s->text, 12);
		return -1;
	}
	if (prompt_at_end(&s->text) && s->text.len != s->probed_len && s->prompt_probes++ < 10) {
		/* A prompt just appeared: ask now rather than at the next tick.  Not forever: a
		 * shell that cannot answer prompts again after each probe. */
		session_send(s, PROBE);
		s->probed_len = s->text.len;
		s->next_probe = now + PROBE_EVERY;
	} else if (!s->init_started && find(&s->text, s->from, "as init process")) {
		/* the console is open from now on: what we type is kept */
		s->init_started = 1;
		if (now + QUIET < s->next_probe)
			s->next_probe = now + QUIET;
	}
	return 0;
}

/* Wait until a shell on the serial console answers a probe. */
static int boot_shell(struct session *s)
{
	double now, until;
	int r;

	s->phase = PH_SHELL;
	for (;;) {
		if ((r = session_clock(s, &now, &until)) < 0)
			return r;
		shell_probe_due(s, now);
		if (s->next_probe < until)
			until = s->next_probe;
		if ((r = session_wait(s, until)) < 0)
			return r;
		if (r > 0 && (r = shell_seen(s, log_now())) != 0)
			return r > 0 ? 0 : -1;
	}
}

/* Type the command at the shell's next prompt, then wait for its exit status and end the
 * guest with `reboot -f`. */
static int boot_command(struct session *s)
{
	const char *cmd = !s->o->cmd ? DEFAULT_CMD : *s->o->cmd ? s->o->cmd : ":";
	double now, until;
	int r;

	s->phase = PH_READY;
	for (;;) {
		if ((r = session_clock(s, &now, &until)) < 0)
			return r;
		if (now >= s->cmd_at)
			break;
		if ((r = session_wait(s, s->cmd_at < until ? s->cmd_at : until)) < 0)
			return r;
		if (r > 0 && prompt_at_end(&s->text))
			s->cmd_at = log_now();
	}
	session_send(s, cmd);
	session_send(s, RC_ECHO);
	s->phase = PH_CMD;
	while ((r = session_next(s, s->deadline)) >= 0) {
		if (r > 0 && find_rc(&s->text, s->from, &s->cmd_rc)) {
			session_send(s, "reboot -f\n");
			return 0;
		}
	}
	return r;
}

/* Let QEMU exit after `reboot -f`, or end it. */
static void boot_stop(struct session *s)
{
	int status = session_stop(s, EXIT_GRACE);
	if (status != 0)
		warning("QEMU did not end cleanly after `reboot -f` (status %d)", status);
}

/* One boot, phase by phase; text is the transcript, kept across boots.  Returns 0 (the
 * command ran: *cmd_rc set), -1 (reported), or RUN_KVM_BROKEN (not reported) when
 * kvm_watch is set and KVM shows no sign of life.  *t_shell is set when the shell
 * answered. */
static int run_once(const struct qemu_opts *o, const char *accel, int kvm_watch,
		    struct buf *text, double *t_shell, int *cmd_rc)
{
	struct session s;
	int ret;

	session_init(&s, o, kvm_watch, text);
	ret = boot_start(&s, accel);
	if (!ret)
		ret = boot_loader(&s);
	if (!ret)
		ret = boot_shell(&s);
	if (!ret)
		ret = boot_command(&s);
	if (!ret) {
		boot_stop(&s);
		*cmd_rc = s.cmd_rc;
	}
	if (s.t_shell >= 0)
		*t_shell = s.t_shell;
	session_release(&s, text);
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
	if (check_image(o) < 0 || choose_accel(o, &accel) < 0)
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
