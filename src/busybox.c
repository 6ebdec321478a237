/* busybox.c: the BusyBox stage (see busybox.h).
 * BusyBox uses the kernel's Kconfig/Kbuild (out-of-tree with O=, .config fragments); its
 * Kconfig predates olddefconfig, so `oldconfig` completes the merged .config (every symbol
 * is already set by defconfig, so it asks nothing; stdin is /dev/null regardless).
 */
#include "busybox.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "kbuild.h"
#include "kconfig.h"
#include "util.h"

void busybox_out_release(struct busybox_out *b)
{
	free(b->binary);
	free(b->links);
	free(b->config);
	memset(b, 0, sizeof(*b));
}

int busybox_build(const struct plan *plan, const char *config, const struct source *src,
		  const char *log, struct busybox_out *out)
{
	struct kconfig frag;
	struct buf text, keytext;
	char key[65];
	char *entry = NULL, *objdir = NULL, *epoch = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	kconfig_init(&frag);
	buf_init(&text);
	buf_init(&keytext);
	if (read_file(config, &text) < 0 || kconfig_parse(&frag, text.data, config, 1) < 0)
		goto out;
	/* mkdistro.conf's [busybox] static decides, whatever the fragment says. */
	kconfig_set(&frag, "STATIC", plan->busybox_static ? "y" : "n");

	buf_addf(&keytext, "busybox 1\nsource %s\nbase defconfig\nepoch %lld\n", src->id,
		 (long long)plan->epoch);
	kconfig_render(&frag, &keytext);
	sha256_hex(keytext.data, keytext.len, key);
	entry = cache_entry(plan, "busybox", key);
	out->binary = path_join(entry, "busybox");
	out->links = path_join(entry, "busybox.links");
	out->config = path_join(entry, "config");
	if (cache_complete(entry)) {
		out->cached = 1;
		ret = 0;
		goto out;
	}

	{
		objdir = cache_build_dir(plan, "busybox", src->id);
		epoch = xasprintf("SOURCE_DATE_EPOCH=%lld", (long long)plan->epoch);
		const char *env[] = {epoch, "KCONFIG_NOTIMESTAMP=1", NULL};
		const char *targets[] = {"busybox", "busybox.links", NULL};
		struct kbuild k = {
			.what = "busybox",
			.tree = src->tree,
			.objdir = objdir,
			.log = log,
			.env = env,
			.base = "defconfig",
			.update = "oldconfig",
			.fragment = &frag,
			.fragment_path = config,
			.jobs = cache_jobs(plan),
		};
		if (kbuild_configure(&k) < 0)
			goto out;
		info("  make -j%u busybox (log: %s)", k.jobs, log);
		if (kbuild_make(&k, targets) < 0)
			goto out;
	}

	{
		static const char *const files[][2] = {
			{"busybox", "busybox"}, {"busybox.links", "busybox.links"}, {".config", "config"}};
		static const unsigned modes[] = {0755, 0644, 0644};
		if (cache_store(entry, objdir, files, modes, 3) < 0)
			goto out;
	}
	ret = 0;
out:
	kconfig_release(&frag);
	buf_release(&text);
	buf_release(&keytext);
	free(entry);
	free(objdir);
	free(epoch);
	return ret;
}
