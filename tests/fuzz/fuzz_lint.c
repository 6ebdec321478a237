/* fuzz_lint.c: the boot checks of src/build/lint.c over a root filesystem and a kernel .config
 * made from the input: the kernel arguments (console=, rdinit=, init=), BusyBox init's
 * /etc/inittab lines, #! lines, and every program's ELF headers and libraries (through
 * src/formats/elfdeps.c in the tree).
 *
 * The input is cut by fuzz_split() into parts.  Three names are special: "@append" (its
 * bytes are [boot] append), "@config" (the kernel's .config) and "@ext2" (an ext2 initrd,
 * so init= and /sbin/init count).  Every other part is an entry of the tree (see
 * fuzz_add_entry).  The project's skeleton has an /etc/inittab, so that check runs too.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "build/config.h"
#include "build/lint.h"
#include "formats/kconfig.h"
#include "fuzz.h"

static struct plan plan;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *proj, *etc, *tab;
	(void)argc, (void)argv;
	fuzz_init(1);
	proj = fuzz_path("proj");
	etc = path_join(proj, "rootfs/etc");
	tab = path_join(etc, "inittab");
	assert(mkdir_p(etc, 0755) == 0);
	fuzz_write(tab, "::sysinit:/etc/rc.d/rc.S\n", 25);
	config_defaults(&plan, proj);
	free(proj);
	free(etc);
	free(tab);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *append = plan.boot_append, *config_text = NULL;
	struct fuzz_parts p;
	struct manifest m;
	struct kconfig config;
	struct lint l;

	fuzz_split(data, size, &p);
	manifest_init(&m);
	kconfig_init(&config);
	lint_init(&l);
	plan.initrd_format = INITRD_CPIO;
	for (size_t i = 0; i < p.n; i++) {
		if (!strcmp(p.v[i].name, "@append") && plan.boot_append == append)
			plan.boot_append = fuzz_text(p.v[i].data, p.v[i].size);
		else if (!strcmp(p.v[i].name, "@config") && !config_text)
			config_text = fuzz_text(p.v[i].data, p.v[i].size);
		else if (!strcmp(p.v[i].name, "@ext2"))
			plan.initrd_format = INITRD_EXT2;
		else
			fuzz_add_entry(&m, &p.v[i], NULL);
	}
	if (config_text)
		assert(kconfig_parse(&config, config_text, ".config", 0) == 0);
	lint_kernel(&l, &plan, 0, &config);
	manifest_sort(&m);
	lint_rootfs(&l, &plan, 0, &m);
	/* every finding is one line */
	assert(!l.findings.len || l.findings.data[l.findings.len - 1] == '\n');
	if (plan.boot_append != append) {
		free(plan.boot_append);
		plan.boot_append = append;
	}
	lint_release(&l);
	kconfig_release(&config);
	manifest_release(&m);
	free(config_text);
	fuzz_parts_release(&p);
	return 0;
}
