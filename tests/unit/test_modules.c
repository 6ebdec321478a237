/* test_modules.c: unit tests for the modules' lint (src/build/modules.c): an expected module
 * missing, modules.dep naming a module that is not there or a dependency that is not, a
 * module it does not list, and a tree with no modules.dep; and the expected list, from
 * the Makefiles of the directories make modules went into.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/lint.h"
#include "build/modules.h"
#include "formats/kconfig.h"
#include "formats/manifest.h"

#define TMP_DIR "tests/tmp/modules"
#include "testutil.h"

#define R "/lib/modules/6.1.0"

static void add(struct manifest *m, const char *path, const char *text)
{
	assert_int_equal(manifest_add_data(m, path, 0644, text, strlen(text)), 0);
}

/* e1000, and usbnet with cdc_ether needing it. */
static void good_tree(struct manifest *m)
{
	manifest_init(m);
	assert_int_equal(manifest_add_dir(m, "/lib", 0755), 0);
	assert_int_equal(manifest_add_dir(m, "/lib/modules", 0755), 0);
	assert_int_equal(manifest_add_dir(m, R, 0755), 0);
	add(m, R "/kernel/drivers/net/e1000.ko", "ko");
	add(m, R "/kernel/drivers/net/usb/usbnet.ko", "ko");
	add(m, R "/kernel/drivers/net/usb/cdc_ether.ko", "ko");
	add(m, R "/modules.alias", "");
	manifest_sort(m);
}

static const char *const good_dep =
	"kernel/drivers/net/e1000.ko:\n"
	"kernel/drivers/net/usb/usbnet.ko:\n"
	"kernel/drivers/net/usb/cdc_ether.ko: kernel/drivers/net/usb/usbnet.ko\n";

static char *expected_file(const char *text)
{
	char *path = path_join(TMP_DIR, "expected");
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
	return path;
}

/* Lint m against expected; the findings, or "" */
static void lint(const struct manifest *m, const char *expected, const char *want)
{
	struct lint l;
	char *path = expected_file(expected);
	lint_init(&l);
	assert_int_equal(modules_lint(&l, "main", m, "6.1.0", path), 0);
	assert_string_equal(l.findings.data, want);
	lint_release(&l);
	free(path);
}

static void all_good(void **state)
{
	struct manifest m;
	(void)state;
	good_tree(&m);
	add(&m, R "/modules.dep", good_dep);
	manifest_sort(&m);
	lint(&m, "E1000 e1000\nUSB_NET_CDCETHER cdc_ether\nUSB_USBNET usbnet\n", "");
	manifest_release(&m);
}

static void missing(void **state)
{
	struct manifest m;
	(void)state;
	good_tree(&m);
	add(&m, R "/modules.dep",
	    "kernel/drivers/net/e1000.ko:\n"
	    "kernel/drivers/net/usb/cdc_ether.ko: kernel/drivers/net/usb/usbnet.ko "
	    "kernel/drivers/net/mii.ko\n"
	    "kernel/drivers/net/gone.ko:\n");
	manifest_sort(&m);
	lint(&m, "E1000 e1000\nPCNET32 pcnet32\n",
	     "kernel 'main': CONFIG_PCNET32=m, but its module pcnet32.ko is not in the modules "
	     "initrd\n"
	     "kernel 'main': kernel/drivers/net/usb/cdc_ether.ko needs kernel/drivers/net/mii.ko "
	     "(modules.dep), which is not in the modules initrd\n"
	     "kernel 'main': modules.dep lists kernel/drivers/net/gone.ko, which is not in the "
	     "modules initrd\n");
	manifest_release(&m);
}

static void unlisted_and_no_dep(void **state)
{
	struct manifest m;
	(void)state;
	good_tree(&m);
	add(&m, R "/modules.dep", "kernel/drivers/net/e1000.ko:\n");
	manifest_sort(&m);
	lint(&m, "", "kernel 'main': modules.dep lists 1 modules, the modules initrd holds 3: "
		     "depmod's index does not match\n");
	manifest_release(&m);

	good_tree(&m);
	lint(&m, "", "kernel 'main': " R "/modules.dep is missing: modprobe cannot load anything\n");
	manifest_release(&m);
}

static void put(const char *path, const char *text)
{
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
}

/* The expected list: =m symbols only, from the Makefiles of the directories that
 * modules.order names (not arch/arm's, not tools'), sorted, each once. */
static void expected_list(void **state)
{
	struct kconfig k;
	struct buf text;
	char *tree = path_join(TMP_DIR, "tree"), *obj = path_join(TMP_DIR, "obj");
	char *out = path_join(TMP_DIR, "expected");
	(void)state;
	remove_tree(tree);
	remove_tree(obj);
	assert_int_equal(mkdir_p(TMP_DIR "/tree/drivers/net", 0755), 0);
	assert_int_equal(mkdir_p(TMP_DIR "/tree/arch/arm", 0755), 0);
	assert_int_equal(mkdir_p(TMP_DIR "/tree/arch/x86/kvm", 0755), 0);
	assert_int_equal(mkdir_p(TMP_DIR "/tree/tools", 0755), 0);
	assert_int_equal(mkdir_p(TMP_DIR "/obj", 0755), 0);
	put(TMP_DIR "/tree/drivers/net/Makefile", "obj-$(CONFIG_E1000) += e1000.o\nobj-$(CONFIG_Y) += y.o\n"
						  "obj-$(CONFIG_E1000) += e1000.o\n");
	put(TMP_DIR "/tree/arch/arm/Makefile", "obj-$(CONFIG_E1000) += armonly.o\n");
	put(TMP_DIR "/tree/arch/x86/kvm/Kbuild", "obj-$(CONFIG_KVM) += kvm.o\n");
	put(TMP_DIR "/tree/tools/Makefile", "obj-$(CONFIG_KVM) += tool.o\n");
	put(TMP_DIR "/obj/modules.order", "drivers/net/e1000.ko\narch/x86/kvm/kvm.ko\n");
	kconfig_init(&k);
	kconfig_set(&k, "E1000", "m");
	kconfig_set(&k, "KVM", "m");
	kconfig_set(&k, "Y", "y");
	assert_int_equal(modules_expected(tree, obj, &k, out), 0);
	buf_init(&text);
	assert_int_equal(read_file(out, &text), 0);
	assert_string_equal(text.data, "E1000 e1000\nKVM kvm\n");
	buf_release(&text);
	kconfig_release(&k);
	free(tree);
	free(obj);
	free(out);
}

/* The module name of a path, whatever its compression. */
static void names(void **state)
{
	static const char *const in[][2] = {{R "/kernel/a/e1000.ko", "e1000"},
					    {R "/kernel/a/ne2k-pci.ko.xz", "ne2k-pci"},
					    {"x.ko.gz", "x"},
					    {"x.ko.zst", "x"},
					    {R "/modules.dep", NULL},
					    {".ko", NULL},
					    {"x.ko.bz2", NULL}};
	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *got = modules_name(in[i][0]);
		if (in[i][1])
			assert_string_equal(got, in[i][1]);
		else
			assert_null(got);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_good),
		cmocka_unit_test(missing),
		cmocka_unit_test(unlisted_and_no_dep),
		cmocka_unit_test(expected_list),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
