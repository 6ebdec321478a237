/* tools.c: host programs and files, and their Debian packages (see tools.h). */
#include "build/tools.h"

#include <stdlib.h>

#include "sys/fs.h"
#include "sys/log.h"

struct tool {
	unsigned need;       /* the tools_need sets it belongs to */
	const char *name;    /* a program looked up in PATH, or an absolute path of a file */
	const char *package; /* the Debian package that provides it */
};

static const struct tool tools[] = {
	{TOOLS_BUILD, "make", "make"},
	{TOOLS_BUILD, "gcc", "gcc"},
	{TOOLS_BUILD, "flex", "flex"},
	{TOOLS_BUILD, "bison", "bison"},
	{TOOLS_BUILD, "bc", "bc"},
	{TOOLS_BUILD, "perl", "perl"},
	{TOOLS_BUILD, "objcopy", "binutils"},
	{TOOLS_BUILD, "mke2fs", "e2fsprogs"},
	{TOOLS_BUILD, "mkfs.fat", "dosfstools"},
	{TOOLS_BUILD, "mmd", "mtools"},
	{TOOLS_BUILD, "mcopy", "mtools"},
	{TOOLS_BUILD, "syslinux", "syslinux"},
	{TOOLS_BUILD, "dpkg-query", "dpkg"},
	{TOOLS_BUILD, "dpkg-deb", "dpkg"},
	{TOOLS_BUILD, "apt-get", "apt"},
	{TOOLS_BUILD, "dpkg-source", "dpkg-dev"},
	{TOOLS_BUILD, "bzip2", "bzip2"},
	{TOOLS_BUILD, "xz", "xz-utils"},
	{TOOLS_BUILD, "/usr/include/libelf.h", "libelf-dev"},
	{TOOLS_BUILD, "/usr/include/openssl/ssl.h", "libssl-dev"},
	{TOOLS_BUILD, "/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi", "syslinux-efi"},
	{TOOLS_VM, "qemu-system-x86_64", "qemu-system-x86"},
	{TOOLS_EXPORT, "qemu-img", "qemu-utils"},
};

int tools_check(unsigned need)
{
	int missing = 0;
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		const struct tool *t = &tools[i];
		int file = t->name[0] == '/';
		char *found;
		if (!(t->need & need))
			continue;
		found = file ? NULL : which(t->name);
		if (file ? !file_exists(t->name) : !found) {
			error("'%s' is %s; install the Debian package '%s' (apt-get install %s)", t->name,
			      file ? "missing" : "not found in PATH", t->package, t->package);
			missing++;
		}
		free(found);
	}
	return missing ? -1 : 0;
}
