/* accel.h: QEMU's accelerator for this host, KVM or TCG.
 *
 * KVM is much faster where it is real hardware virtualisation, but some hosts offer a
 * /dev/kvm that boots nothing useful: a software nested hypervisor (kvm_pvm) under which
 * Syslinux dies with "KVM internal error ... emulation failure" and a direct kernel boot
 * hangs.  So "auto" asks more than whether /dev/kvm opens.  KVM's API version check follows
 * the kernel's Documentation/virt/kvm/api.rst (KVM_GET_API_VERSION must return 12).
 */
#ifndef MKDISTRO_ACCEL_H
#define MKDISTRO_ACCEL_H

struct accel {
	const char *name; /* "kvm" or "tcg", static strings, as QEMU's -accel takes them */
	int automatic;    /* chosen by want "auto", with no MKDISTRO_ACCEL: a KVM that then
			   * fails may be given up for TCG (a choice the user made, even
			   * MKDISTRO_ACCEL=auto, is kept) */
	char why[128];    /* a short reason, for messages: "requested", "MKDISTRO_ACCEL=tcg",
			   * "KVM with kvm_intel", "the CPU flags show neither vmx nor svm" ... */
};

/* Decide between KVM and TCG.  want is "auto" (NULL means the same), "kvm" or "tcg"; a
 * non-empty environment variable MKDISTRO_ACCEL replaces it.  "auto" picks KVM only when
 * the loaded KVM back end is not kvm_pvm, /dev/kvm opens and answers KVM_GET_API_VERSION,
 * the CPU flags show vmx or svm, and kvm_intel or kvm_amd is loaded.  "kvm" requires only
 * a usable /dev/kvm.  Returns 0 with *a filled in, or -1 (reported) for an unknown name or
 * an unusable KVM that was asked for. */
int accel_choose(const char *want, struct accel *a);

/* Whether the "flags" lines of a /proc/cpuinfo text hold the word vmx or svm. */
int accel_cpuinfo_has_virt(const char *cpuinfo);

#endif
