/* outputs.c: the last stage: what the build puts in out/, made in out/.work and published
 * together (see build.h and publish.h).
 *
 *   mkdistro.img   the stick image (image.h), unless out/ holds the one made from the same
 *                  inputs, untouched since (then it is kept as it is, not even rewritten)
 *   mkdistro.iso   the hybrid ISO (iso.h), the same way; removed when [image] iso is off
 *   stick/         the files on the stick, from the stages before
 *   report.txt, report.svg   what each part costs (report.h)
 *   sbom.spdx.json what the image is made of (sbom.h), kept when made from the same inputs
 *   boot-matrix.txt  when the image changed, without the rows the old image earned (matrix.h)
 * out/.state records what the image, the ISO and the SBOM were made from, and which files
 * they are, once they are published.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot/matrix.h"
#include "build/arch.h"
#include "build/build.h"
#include "build/image.h"
#include "build/inputs.h"
#include "build/iso.h"
#include "build/publish.h"
#include "build/report.h"
#include "build/sbom.h"
#include "build/stick.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/interrupt.h"
#include "sys/log.h"

/* One published file that is made only when its inputs changed: the image or the ISO. */
struct output {
	const char *name;   /* in out/: "mkdistro.img" */
	const char *record; /* in out/.state: "image" */
	int iso;            /* the ISO, not the image */
	struct inputs in;
	char *work;         /* where it is made */
	int same;           /* out/ holds it already */
};

static void output_init(struct output *o, const struct build *b, const char *name,
			const char *record)
{
	o->name = name;
	o->record = record;
	o->iso = !strcmp(name, "mkdistro.iso");
	inputs_init(&o->in);
	o->work = path_join(b->work, name);
	o->same = 0;
}

static void output_release(struct output *o)
{
	inputs_release(&o->in);
	free(o->work);
}

/* The image or the ISO, into o->work, unless out/ holds the one made from the same inputs
 * (o->same). */
static int make_output(const struct build *b, struct output *o, const char *log)
{
	const struct plan *plan = b->plan;
	int iso = o->iso;
	char *rec = inputs_record(plan->out_dir, o->record), *out = path_join(plan->out_dir, o->name);
	char *isowork = path_join(b->work, "iso");
	char *same = xasprintf("out/%s was changed or removed since the last build", o->name);
	int ret = (iso ? iso_inputs(plan, b->stick, &o->in) : image_inputs(plan, b->stick, &o->in));

	if (!ret && inputs_published(&o->in, rec, out)) {
		o->same = 1;
	} else if (!ret) {
		inputs_announce(&o->in, rec, iso ? "ISO" : "image", same);
		ret = iso ? iso_build(plan, b->stick, isowork, o->work, log)
			  : image_build(plan, b->stick, o->work, log);
		if (!ret && iso) /* image_build syncs its image; xorriso does not */
			ret = fsync_path(o->work);
	}
	free(rec);
	free(out);
	free(isowork);
	free(same);
	return ret;
}

/* After publishing: what out/NAME was made from, and which file it is. */
static int record_output(const struct plan *plan, const struct output *o)
{
	char *rec = inputs_record(plan->out_dir, o->record), *out = path_join(plan->out_dir, o->name);
	int ret = inputs_save_published(&o->in, rec, out);
	free(rec);
	free(out);
	return ret;
}

/* The SBOM of the image and stick tree about to be published. */
static int make_sbom(const struct build *b, const struct output *img, const struct output *iso,
		     const char *log, struct sbom_doc *doc)
{
	const struct plan *plan = b->plan;
	char img_key[65], iso_key[65], *published = path_join(plan->out_dir, img->name);
	struct sbom_in in = {
		.kernel_source = &b->ksrc,
		.busybox_source = &b->bsrc,
		.kernels = b->kernels,
		.initrds = b->initrds,
		.pkgs = &b->pkgs,
		.stick = b->stick,
		.image = img->same ? published : img->work,
		.image_key = img_key,
		.iso_key = iso ? iso_key : NULL,
		.work = b->work,
		.log = log,
		.tool = "mkdistro-" MKDISTRO_VERSION,
	};
	int ret;
	inputs_key(&img->in, img_key);
	if (iso)
		inputs_key(&iso->in, iso_key);
	ret = sbom_make(plan, &in, doc);
	free(published);
	return ret;
}

/* report.txt and report.svg, into the work directory. */
static int make_report(const struct build *b)
{
	const struct plan *plan = b->plan;
	struct report_initrd *r = build_report_initrds(b);
	struct report_kernel *k = xcalloc(plan->n_kvar, sizeof(*k));
	char **names = xcalloc(plan->n_kvar, sizeof(*names));
	char *tp = path_join(b->work, "report.txt"), *sp = path_join(b->work, "report.svg");
	struct buf txt, svg;
	int ret;
	buf_init(&txt);
	buf_init(&svg);
	for (size_t i = 0; i < plan->n_kvar; i++) {
		struct stat st;
		k[i].name = b->kernels[i].v->name;
		k[i].size = stat(b->kernels[i].out.bzimage, &st) == 0 ? (uint64_t)st.st_size : 0;
		if (b->kernels[i].out.modules) {
			k[i].modules = &b->kernels[i].modules;
			names[i] = stick_modules_name(plan, b->kernels[i].v);
			k[i].modules_name = names[i];
			k[i].modules_raw = b->kernels[i].mod_st.raw;
			k[i].modules_packed = b->kernels[i].mod_st.compressed;
		}
	}
	ret = report_render(plan, k, plan->n_kvar, r, plan->n_ivar, &txt, &svg);
	if (!ret)
		ret = write_file_atomic(tp, txt.data, txt.len, 0644);
	if (!ret)
		ret = write_file_atomic(sp, svg.data, svg.len, 0644);
	buf_release(&txt);
	buf_release(&svg);
	free(tp);
	free(sp);
	for (size_t i = 0; i < plan->n_kvar; i++)
		free(names[i]);
	free(names);
	free(r);
	free(k);
	return ret;
}

/* A new image makes out/boot-matrix.txt's rows for this CPU and initrd format stale: the table
 * goes on without them (or goes, when no other rows are left). */
static int matrix_rows(const struct build *b, struct publish *pub)
{
	const struct plan *plan = b->plan;
	char *table = path_join(plan->out_dir, "boot-matrix.txt");
	char *work = path_join(b->work, "boot-matrix.txt");
	struct buf text;
	int ret = 0;
	buf_init(&text);
	if (file_exists(table)) {
		if (!matrix_table_without(table, plan->arch->name,
					  plan->initrd_format == INITRD_EXT2 ? "ext2" : "cpio", &text))
			publish_drop(pub, "boot-matrix.txt");
		else if (!(ret = write_file_atomic(work, text.data, text.len, 0644)))
			publish_add(pub, "boot-matrix.txt", work);
	}
	buf_release(&text);
	free(table);
	free(work);
	return ret;
}

/* Everything made, into one publish step. */
static int publish_all(const struct build *b, const struct output *img, const struct output *iso,
		       const struct sbom_doc *sbom)
{
	const struct plan *plan = b->plan;
	char *report_txt = path_join(b->work, "report.txt"), *report_svg = path_join(b->work, "report.svg");
	char *sbom_work = path_join(b->work, "sbom.spdx.json");
	struct publish pub;
	int ret = 0;

	publish_init(&pub, plan->out_dir);
	if (!img->same) {
		publish_add(&pub, img->name, img->work);
		ret = matrix_rows(b, &pub);
	}
	if (iso && !iso->same)
		publish_add(&pub, iso->name, iso->work);
	else if (!iso)
		publish_drop(&pub, "mkdistro.iso");
	publish_add(&pub, "stick", b->stick);
	publish_add(&pub, "report.txt", report_txt);
	publish_add(&pub, "report.svg", report_svg);
	if (!ret && !sbom->unchanged) {
		ret = write_file_atomic(sbom_work, sbom->text.data, sbom->text.len, 0644);
		publish_add(&pub, "sbom.spdx.json", sbom_work);
	}
	interrupt_fault_point("publish");
	if (!ret && interrupt_check() < 0) /* told to stop: out/ stays as it was */
		ret = -1;
	if (!ret)
		ret = publish_commit(&pub);
	publish_release(&pub);
	free(report_txt);
	free(report_svg);
	free(sbom_work);
	return ret;
}

int stage_image(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = build_log(b, "image"), *sbom_rec = inputs_record(plan->out_dir, "sbom");
	char *sbom_out = path_join(plan->out_dir, "sbom.spdx.json");
	struct output img, iso;
	struct sbom_doc sbom;
	int ret;

	output_init(&img, b, "mkdistro.img", "image");
	output_init(&iso, b, "mkdistro.iso", "iso");
	sbom_doc_init(&sbom);
	/* everything is made before anything is published: a failure leaves out/ as it was */
	ret = make_output(b, &img, log) < 0 || (plan->iso && make_output(b, &iso, log) < 0) ||
			      make_sbom(b, &img, plan->iso ? &iso : NULL, log, &sbom) < 0 ||
			      make_report(b) < 0 ||
			      publish_all(b, &img, plan->iso ? &iso : NULL, &sbom) < 0
		      ? -1
		      : 0;
	/* what out/ now holds, for the next build to compare with */
	if (!ret)
		ret = record_output(plan, &img) < 0 || (plan->iso && record_output(plan, &iso) < 0) ||
				      (!sbom.unchanged &&
				       inputs_save_published(&sbom.key, sbom_rec, sbom_out) < 0)
			      ? -1
			      : 0;
	if (!ret)
		buf_addf(&b->summary, "out/mkdistro.img, %u MiB%s%s%s; sizes in out/report.txt; SBOM "
				      "in out/sbom.spdx.json%s",
			 plan->image_size_mib, img.same ? " (unchanged)" : "",
			 plan->iso ? ", and out/mkdistro.iso" : "", iso.same ? " (unchanged)" : "",
			 sbom.unchanged ? " (unchanged)" : "");
	output_release(&img);
	output_release(&iso);
	sbom_doc_release(&sbom);
	free(log);
	free(sbom_rec);
	free(sbom_out);
	return ret;
}
