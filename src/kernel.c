/* kernel.c: the kernel stage (see kernel.h). */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "kbuild.h"
#include "kconfig.h"
#include "util.h"

void kernel_out_release(struct kernel_out *k)
{
	free(k->bzimage);
	free(k->config);
	free(k->release);
	memset(k, 0, sizeof(*k));
}

static char *read_trimmed(const char *path)
{
	struct buf b;
	buf_init(&b);
	if (read_file(path, &b) < 0) {
		buf_release(&b);
		return NULL;
	}
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
		b.data[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

int kernel_build(const struct plan *plan, const struct source *src, const char *log,
		 struct kernel_out *out)
{
	struct kconfig frag;
	struct buf text, keytext;
	char key[65];
	char *entry = NULL, *objdir = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	kconfig_init(&frag);
	buf_init(&text);
	buf_init(&keytext);
	if (read_file(plan->kernel_config, &text) < 0 ||
	    kconfig_parse(&frag, text.data, plan->kernel_config, 1) < 0)
		goto out;

	/* Everything that goes into the kernel. */
	buf_addf(&keytext, "kernel 1\nsource %s\nbase %s\narch x86_64\nepoch %lld\n", src->id,
		 plan->kernel_base, (long long)plan->epoch);
	kconfig_render(&frag, &keytext);
	sha256_hex(keytext.data, keytext.len, key);
	entry = cache_entry(plan, "kernel", key);
	out->bzimage = path_join(entry, "bzImage");
	out->config = path_join(entry, "config");
	if (cache_complete(entry)) {
		char *rel = path_join(entry, "release");
		out->release = read_trimmed(rel);
		free(rel);
		out->cached = 1;
		ret = out->release ? 0 : -1;
		goto out;
	}

	{
		char stamp[64];
		time_t t = (time_t)plan->epoch;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "KBUILD_BUILD_TIMESTAMP=%a %b %e %H:%M:%S UTC %Y", &tm);
		const char *env[] = {stamp, "KBUILD_BUILD_USER=mkdistro", "KBUILD_BUILD_HOST=mkdistro",
				     NULL};
		const char *vars[] = {"ARCH=x86_64", NULL};
		const char *targets[] = {"bzImage", NULL};
		objdir = cache_build_dir(plan, "kernel", src->id);
		struct kbuild k = {
			.what = "kernel",
			.tree = src->tree,
			.objdir = objdir,
			.log = log,
			.vars = vars,
			.env = env,
			.base = plan->kernel_base,
			.update = "olddefconfig",
			.fragment = &frag,
			.fragment_path = plan->kernel_config,
			.jobs = cache_jobs(plan),
		};
		if (kbuild_configure(&k) < 0)
			goto out;
		info("  make -j%u bzImage (a cold build takes a few minutes; log: %s)", k.jobs, log);
		if (kbuild_make(&k, targets) < 0)
			goto out;
	}

	{
		static const char *const files[][2] = {{"arch/x86/boot/bzImage", "bzImage"},
						       {".config", "config"},
						       {"include/config/kernel.release", "release"}};
		static const unsigned modes[] = {0644, 0644, 0644};
		if (cache_store(entry, objdir, files, modes, 3) < 0)
			goto out;
		char *rel = path_join(entry, "release");
		out->release = read_trimmed(rel);
		free(rel);
		if (!out->release)
			goto out;
	}
	ret = 0;
out:
	kconfig_release(&frag);
	buf_release(&text);
	buf_release(&keytext);
	free(entry);
	free(objdir);
	return ret;
}
