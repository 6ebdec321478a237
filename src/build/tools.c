/* tools.c: host programs and files, and their Debian packages (see tools.h). */
#include "build/tools.h"

#include <stdlib.h>
#include <string.h>

#include "build/arch.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/log.h"

/* Which CPUs need a tool, and where its name comes from (arch.h) */
enum for_cpu {
	ANY,          /* every CPU, the name as written */
	SYSLINUX,     /* the CPUs that boot with Syslinux */
	SYSLINUX_EFI, /* the same: the CPU's Syslinux EFI loader, below the name (a directory) */
	GRUB,         /* the CPUs that boot with GRUB */
	QEMU,         /* every CPU: its own emulator and package, from its row */
	CROSS_LIBC,   /* the CPUs this host builds for with a cross compiler: their C library */
};

struct tool {
	unsigned need;       /* the tools_need sets it belongs to */
	enum for_cpu cpu;
	const char *name;    /* a program looked up in PATH, or an absolute path of a file */
	const char *package; /* the Debian package that provides it */
};

static const struct tool tools[] = {
	{TOOLS_BUILD, ANY, "make", "make"},
	{TOOLS_BUILD, ANY, "gcc", "gcc"},
	{TOOLS_BUILD, ANY, "flex", "flex"},
	{TOOLS_BUILD, ANY, "bison", "bison"},
	{TOOLS_BUILD, ANY, "bc", "bc"},
	{TOOLS_BUILD, ANY, "perl", "perl"},
	{TOOLS_BUILD, ANY, "objcopy", "binutils"},
	{TOOLS_BUILD, ANY, "mke2fs", "e2fsprogs"},
	{TOOLS_BUILD, ANY, "mkfs.fat", "dosfstools"},
	{TOOLS_BUILD, ANY, "mmd", "mtools"},
	{TOOLS_BUILD, ANY, "mcopy", "mtools"},
	{TOOLS_BUILD, SYSLINUX, "syslinux", "syslinux"},
	{TOOLS_BUILD, ANY, "dpkg-query", "dpkg"},
	{TOOLS_BUILD, ANY, "dpkg-deb", "dpkg"},
	{TOOLS_BUILD, ANY, "apt-get", "apt"},
	{TOOLS_BUILD, ANY, "dpkg-source", "dpkg-dev"},
	{TOOLS_BUILD, ANY, "bzip2", "bzip2"},
	{TOOLS_BUILD, ANY, "xz", "xz-utils"},
	{TOOLS_BUILD, ANY, "/usr/include/libelf.h", "libelf-dev"},
	{TOOLS_BUILD, ANY, "/usr/include/openssl/ssl.h", "libssl-dev"},
	{TOOLS_BUILD, SYSLINUX_EFI, "/usr/lib/SYSLINUX.EFI", "syslinux-efi"},
	{TOOLS_BUILD, GRUB, "grub-mkimage", "grub-common"},
	{TOOLS_MUSL, ANY, "musl-gcc", "musl-tools"},
	{TOOLS_VM, QEMU, NULL, NULL},
	{TOOLS_EXPORT, ANY, "qemu-img", "qemu-utils"},
	{TOOLS_LIBC, CROSS_LIBC, NULL, NULL},
};

int tools_check(unsigned need, const struct arch *a)
{
	int missing = 0;
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		const struct tool *t = &tools[i];
		const char *name = t->name, *package = t->package;
		char *own = NULL, *found;
		if (!(t->need & need) || (!a && t->cpu != ANY) ||
		    ((t->cpu == SYSLINUX || t->cpu == SYSLINUX_EFI) && !a->efi_loader) ||
		    (t->cpu == GRUB && !a->grub_platform) || (t->cpu == CROSS_LIBC && !*arch_cross(a)))
			continue;
		if (t->cpu == SYSLINUX_EFI)
			name = own = xasprintf("%s/%s", name, a->efi_loader);
		else if (t->cpu == QEMU) {
			name = a->qemu;
			package = a->qemu_package;
		} else if (t->cpu == CROSS_LIBC) {
			name = own = xasprintf("%s/lib/libc.so.6", a->sysroot);
			package = a->sysroot_package;
		}
		int file = name[0] == '/';
		found = file ? NULL : which(name);
		if (file ? !file_exists(name) : !found) {
			error("'%s' is %s; install the Debian package '%s' (apt-get install %s)", name,
			      file ? "missing" : "not found in PATH", package, package);
			missing++;
		}
		free(found);
		free(own);
	}
	return missing ? -1 : 0;
}
