/* project.h: a new project directory from the default files (`mkdistro init`). */
#ifndef MKDISTRO_PROJECT_H
#define MKDISTRO_PROJECT_H

/* Copy mkdistro.conf, kernel.config, busybox.config, rootfs/ and syslinux/ from the data
 * directory (MKDISTRO_DATADIR, the program's own directory when it runs from its source
 * tree, or the installed one) into dir, which must not hold any of them.  Returns 0 or -1. */
int project_init(const char *dir);

#endif
