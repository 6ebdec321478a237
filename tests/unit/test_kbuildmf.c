/* test_kbuildmf.c: unit tests for the kernel Makefile reader (src/formats/kbuildmf.c): the
 * obj-$(CONFIG_X) lines, continued lines, comments, directories, and lines it passes over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "formats/kbuildmf.h"
#include "sys/buf.h"

static void collect(void *ctx, const char *symbol, const char *object)
{
	buf_addf(ctx, "%s %s\n", symbol, object);
}

static void check(const char *text, const char *want)
{
	struct buf got;
	buf_init(&got);
	kbuildmf_objects(text, strlen(text), collect, &got);
	assert_string_equal(got.data, want);
	buf_release(&got);
}

static void objects(void **state)
{
	(void)state;
	check("obj-$(CONFIG_E1000) += e1000.o\n", "E1000 e1000\n");
	check("obj-$(CONFIG_E1000)\t:= e1000.o\n", "E1000 e1000\n");
	check("  obj-$(CONFIG_A) = a.o b.o\n", "A a\nA b\n");
	/* directories are passed over; a path's object keeps only its name */
	check("obj-$(CONFIG_MMC) += core/ host/\nobj-$(CONFIG_X) += sub/x.o\n", "X x\n");
	/* continued lines */
	check("obj-$(CONFIG_B) += b1.o \\\n\tb2.o \\\n\tb3.o\nobj-$(CONFIG_C) += c.o", "B b1\nB b2\nB b3\nC c\n");
	/* comments */
	check("# obj-$(CONFIG_D) += d.o\nobj-$(CONFIG_E) += e.o # not f.o\n", "E e\n");
}

static void passed_over(void **state)
{
	(void)state;
	check("obj-y += core.o\nobj-m += m.o\nlib-$(CONFIG_L) += l.o\n", "");
	check("obj-$(CONFIG_X) += $(foo).o\nobj-$(CONFIG_Y) += y.c\n", "");
	check("obj-$(CONFIG_X-Y) += x.o\nobj-$(CONFIG_) += z.o\nobj-$(CONFIG_Q) += .o\n", "");
	check("obj-$(CONFIG_X) ?= x.o\nobj-$(CONFIG_X)\n", "");
	check("", "");
	/* inside make conditionals, nested or not */
	check("ifdef CONFIG_PHYLIB\nlibphy-y += x.o\nelse\nobj-$(CONFIG_MDIO) += mdio-bus.o\nendif\n"
	      "ifeq ($(A),y)\nifneq ($(B),)\nobj-$(CONFIG_B) += b.o\nendif\nobj-$(CONFIG_A) += a.o\n"
	      "endif\nobj-$(CONFIG_C) += c.o\n", "C c\n");
	check("endif\nobj-$(CONFIG_C) += c.o\nifdefx\nobj-$(CONFIG_D) += d.o\n", "C c\nD d\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(objects),
		cmocka_unit_test(passed_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
