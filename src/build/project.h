/* project.h: a new project directory from the default files (`mkdistro init`). */
#ifndef MKDISTRO_PROJECT_H
#define MKDISTRO_PROJECT_H

struct arch;

/* Copy mkdistro.conf, kernel.config, busybox.config, rootfs/ and syslinux/ from the data
 * directory (MKDISTRO_DATADIR, the program's own directory when it runs from its source
 * tree, or the installed one) into dir, which must not hold any of them.  For a CPU a other
 * than the default (NULL: the default), the kernel.config is that of its example project
 * (examples/CPU/ in the data directory), mkdistro.conf gets that example's settings, and
 * a CPU that Syslinux does not boot gets no syslinux/.  Returns 0, or -1 (reported) with
 * nothing of the project left in dir. */
int project_init(const char *dir, const struct arch *a);

#endif
