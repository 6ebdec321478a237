/* accel.c: KVM or TCG for QEMU (see accel.h): /dev/kvm, the CPU flags in /proc/cpuinfo and
 * the loaded modules under /sys/module.
 */
#include "boot/accel.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

/* 1 when /dev/kvm opens read-write and speaks the stable API. */
static int kvm_device_usable(const char **reason)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int version;
	if (fd < 0) {
		*reason = errno == ENOENT ? "no /dev/kvm" : "cannot open /dev/kvm";
		return 0;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (version != KVM_API_VERSION) {
		*reason = "/dev/kvm does not answer KVM_GET_API_VERSION";
		return 0;
	}
	return 1;
}

int accel_cpuinfo_has_virt(const char *cpuinfo)
{
	char *text = xstrdup(cpuinfo);
	int found = 0;
	for (char *line = text; line && *line && !found;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (!strncmp(line, "flags", 5)) {
			char *save = NULL;
			for (char *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
				if (!strcmp(w, "vmx") || !strcmp(w, "svm"))
					found = 1;
		}
		line = end ? end + 1 : NULL;
	}
	free(text);
	return found;
}

/* 1 when this host's CPU flags show vmx or svm; an unreadable /proc/cpuinfo shows neither. */
static int cpu_has_virt(void)
{
	struct buf b;
	int found;
	buf_init(&b);
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f) {
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&b, chunk, n);
		fclose(f);
	}
	found = accel_cpuinfo_has_virt(b.data);
	buf_release(&b);
	return found;
}

static int module_loaded(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return is_dir(path);
}

/* "auto": KVM only where it is real hardware virtualisation. */
static void choose_auto(struct accel *a)
{
	const char *reason = NULL;
	a->name = "tcg";
	if (module_loaded("kvm_pvm")) {
		/* checked first: it is what these machines have, whatever else they show */
		snprintf(a->why, sizeof(a->why), "KVM is kvm_pvm, a software nested hypervisor "
						  "that Syslinux cannot run under");
	} else if (!kvm_device_usable(&reason)) {
		snprintf(a->why, sizeof(a->why), "%s", reason);
	} else if (!cpu_has_virt()) {
		snprintf(a->why, sizeof(a->why), "the CPU flags show neither vmx nor svm");
	} else if (!module_loaded("kvm_intel") && !module_loaded("kvm_amd")) {
		snprintf(a->why, sizeof(a->why), "neither kvm_intel nor kvm_amd is loaded");
	} else {
		a->name = "kvm";
		snprintf(a->why, sizeof(a->why), "%s",
			 module_loaded("kvm_intel") ? "KVM with kvm_intel" : "KVM with kvm_amd");
	}
}

int accel_choose(const char *want, struct accel *a)
{
	const char *env = getenv("MKDISTRO_ACCEL");
	const char *reason = NULL;
	int from_env = env && *env;

	memset(a, 0, sizeof(*a));
	if (from_env)
		want = env;
	if (!want)
		want = "auto";
	if (!strcmp(want, "tcg") || !strcmp(want, "kvm")) {
		if (!strcmp(want, "kvm") && !kvm_device_usable(&reason))
			return error("cannot use KVM%s: %s", from_env ? " (MKDISTRO_ACCEL=kvm)" : "",
				     reason);
		a->name = !strcmp(want, "kvm") ? "kvm" : "tcg";
		snprintf(a->why, sizeof(a->why), "%s%s", from_env ? "MKDISTRO_ACCEL=" : "requested",
			 from_env ? a->name : "");
		return 0;
	}
	if (strcmp(want, "auto"))
		return error("unknown accelerator '%s'%s (want auto, kvm or tcg)", want,
			     from_env ? " in MKDISTRO_ACCEL" : "");
	choose_auto(a);
	a->automatic = !from_env;
	return 0;
}
