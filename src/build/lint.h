/* lint.h: does the image hold what it needs to boot?  The kernels' .config files and the
 * root filesystems, checked against the plan before anything is written.
 *
 * Kernel side, per kernel variant, from the .config the kernel build wrote (not the
 * fragment: Kconfig may have dropped a setting): the rules are one table in lint.c, each a
 * symbol (or a choice of symbols), why the image needs it, and when (always, ext2 initrds,
 * the consoles the kernel arguments name).  A symbol counts only when built in (=y): what
 * boots the image must not wait for a module.  A kernel with modules has its modules file
 * checked too (modules.h): the module of every =m symbol is in it, and modules.dep matches.
 *
 * Root filesystem side, per initrd variant, over its whole tree as it is at boot (a stacked
 * variant with main's tree under it), following symlinks inside the image, never on the
 * host:
 *   - the program the kernel starts is an executable ELF file or #! script: /init (or
 *     rdinit=) from a cpio initrd, /sbin/init (or init=) from an ext2 one;
 *   - /dev/console is the console device (character 5:1);
 *   - /etc/inittab is there when init is BusyBox's and the project's skeleton has one
 *     (without it BusyBox init falls back to a built-in table that never runs rc.S), and
 *     each program it starts is there and executable;
 *   - every executable ELF file is for x86-64, and every dynamically linked program finds
 *     its interpreter (PT_INTERP) and libraries (DT_NEEDED, and theirs) in the tree where
 *     ld.so looks (elfdeps.h, run inside the tree; its ld.so.conf only with an ld.so.cache);
 *   - every executable #! script's interpreter is there and executable;
 *   - /tmp and /var/tmp, when there, are directories of mode 1777, /root one of 0700, and
 *     /etc/shadow is readable by root alone;
 *   - with a root password ([system] root_password_hash or _file): /etc/passwd sends login
 *     to /etc/shadow for root (password field "x"), /bin/login is there, and no
 *     /etc/inittab line starts a shell directly (that console would need no password);
 *   - a program a start-up script names and cannot do without is there (blkid in rc.S;
 *     unxz and cpio in rc.hotplug);
 *   - when a kernel has modules, a file under /etc reads mkdistro.modules= (the boot loader
 *     does not load them; rc.hotplug unpacks them from the boot medium, stick.h), unless
 *     [boot] modules = initrd (then the boot loader does).
 *
 * Findings are lines of text, one per problem, naming the variant and the symbol or file:
 *   kernel 'main': CONFIG_RD_GZIP is not set: the initrd is gzip-compressed
 *   initrd 'main': /lib64/ld-linux-x86-64.so.2 (the ELF interpreter of /bin/busybox) is missing
 * The checks read the plan, a parsed .config and a manifest; the root filesystem checks
 * also read the files the manifest lists (their first bytes, and ELF headers).
 */
#ifndef MKDISTRO_LINT_H
#define MKDISTRO_LINT_H

#include <stddef.h>

#include "build/config.h"
#include "formats/kconfig.h"
#include "formats/manifest.h"
#include "sys/buf.h"

struct lint {
	struct buf findings; /* one line each, newline-terminated, each line once */
	unsigned checks;     /* checks made */
	unsigned failed;     /* lines in findings */
};

void lint_init(struct lint *l);
void lint_release(struct lint *l);
/* Add a line to the findings (counted as failed), unless it is there already. */
void lint_finding(struct lint *l, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* The kernel rules for plan->kvar[kv], against the .config it was built with. */
void lint_kernel(struct lint *l, const struct plan *plan, size_t kv, const struct kconfig *config);

/* The root filesystem rules for plan->ivar[iv], whose tree at boot is m.  Returns 0, or -1
 * when a file the manifest lists cannot be read (reported). */
int lint_rootfs(struct lint *l, const struct plan *plan, size_t iv, const struct manifest *m);

/* A kernel's modules, for lint_image: the tree its modules initrd holds (NULL: it has
 * none), its release, and the module each =m symbol gives (modules.h). */
struct lint_modules {
	const struct manifest *tree;
	const char *release;
	const char *expected;
};

/* Everything, as `mkdistro build` and `mkdistro lint` run it: kernel_configs[k] is the .config
 * of plan->kvar[k], modules[k] its modules, trees[i] the tree of plan->ivar[i].  Each finding is reported as an
 * error ("lint: kernel 'main': ..."), then how many checks failed, and -1 is returned; when
 * all pass, "N checks, all passed" is appended to summary and 0 returned. */
int lint_image(const struct plan *plan, const char *const *kernel_configs,
	       const struct manifest *const *trees, const struct lint_modules *modules,
	       struct buf *summary);

#endif
