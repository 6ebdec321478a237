/* grub.c: GRUB's core image for the stick (see grub.h).
 * References: grub-mkimage(1) (-O FORMAT, -d DIR, -p PREFIX, -o FILE, MODULES), the GRUB 2.06
 * manual ("Images", "Removable media": EFI/BOOT/BOOTAA64.EFI).
 */
#include "build/grub.h"

#include <stdlib.h>

#include "build/arch.h"
#include "build/image.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/spawn.h"

int grub_fetch(const struct plan *plan, struct lockfile *lock, const char *log,
	       struct package *out)
{
	return packages_get_one(plan, lock, GRUB_ROLE, plan->arch->grub_package, log, out);
}

int grub_make_loader(const struct plan *plan, const struct package *grub, const char *efi_dir,
		     const char *log)
{
	const struct arch *a = plan->arch;
	char *tool = which("grub-mkimage");
	char *dir = xasprintf("%s/usr/lib/grub/%s", grub->tree, a->grub_platform);
	char *to = path_join(efi_dir, a->efi_name);
	const char *argv[] = {"grub-mkimage", "-O", a->grub_platform, "-d", dir, "-p", "/" IMAGE_EFI_DIR,
			      "-o", to, GRUB_MODULES, NULL};
	int ret = -1;

	if (!tool)
		error("grub-mkimage not found (it makes %s's boot loader); install the Debian "
		      "package 'grub-common'", a->name);
	else if (!is_dir(dir))
		error("'%s' has no GRUB modules for %s in %s", grub->deb, a->grub_platform, dir);
	else if (mkdir_p(efi_dir, 0755) == 0 && image_run(plan, argv, log) == 0)
		ret = 0;
	else
		error("grub-mkimage could not make %s (see %s)", to, log);
	free(tool);
	free(dir);
	free(to);
	return ret;
}
