/* report.c: the size report and budgets (see report.h).  The SVG is plain SVG 1.1. */
#include "build/report.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build/arch.h"
#include "build/modules.h"
#include "build/packages.h"
#include "sys/alloc.h"

static uint64_t file_size(const struct mf_entry *e, int *err)
{
	struct stat st;
	if (!e->source)
		return e->size;
	if (stat(e->source, &st) < 0) {
		*err = error_errno("cannot stat '%s'", e->source);
		return 0;
	}
	return (uint64_t)st.st_size;
}

static int by_size(const void *a, const void *b)
{
	const struct report_part *x = a, *y = b;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->label, y->label);
}

int report_parts(const struct manifest *m, uint64_t raw, int ext2, size_t top,
		 struct report_part **parts, size_t *n)
{
	struct report_part *files = NULL, *out;
	size_t nfiles = 0, cap = 0, nlinks = 0, k = 0;
	uint64_t links = 0, rest = 0, used = 0;
	int err = 0;

	for (size_t i = 0; i < m->n && !err; i++) {
		const struct mf_entry *e = &m->v[i];
		if (e->type == MF_FILE) {
			XGROW(files, cap, nfiles + 1);
			files[nfiles].label = xstrdup(e->path);
			files[nfiles++].bytes = file_size(e, &err);
		} else if (e->type == MF_SYMLINK) {
			nlinks++;
			links += strlen(e->target);
		}
	}
	if (err) {
		report_parts_free(files, nfiles);
		return -1;
	}
	if (nfiles)
		qsort(files, nfiles, sizeof(*files), by_size);
	out = xcalloc(top + 4, sizeof(*out));
	for (size_t i = 0; i < nfiles; i++) {
		used += files[i].bytes;
		if (i < top) {
			out[k++] = files[i];
		} else {
			rest += files[i].bytes;
			free(files[i].label);
		}
	}
	if (nfiles > top) {
		out[k].label = xasprintf("%zu other files", nfiles - top);
		out[k++].bytes = rest;
	}
	if (nlinks && !ext2) {
		out[k].label = xasprintf("%zu symlinks", nlinks);
		out[k++].bytes = links;
		used += links;
	}
	out[k].label = xstrdup(ext2 ? "ext2 metadata, symlinks and free space"
				    : "cpio headers, names and padding");
	out[k++].bytes = raw >= used ? raw - used : 0;
	free(files);
	*parts = out;
	*n = k;
	return raw >= used ? 0 : error("initrd content (%llu bytes) is larger than the initrd",
					(unsigned long long)used);
}

void report_parts_free(struct report_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i].label);
	free(parts);
}

/* Exact bytes (so the parts can be added up) and KiB (to read). */
static void kib(struct buf *b, uint64_t bytes)
{
	buf_addf(b, "%10llu bytes %9.1f KiB", (unsigned long long)bytes, (double)bytes / 1024.0);
}

/* SVG text must not carry markup. */
static void svg_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			buf_adds(b, "&lt;");
		else if (*s == '>')
			buf_adds(b, "&gt;");
		else if (*s == '&')
			buf_adds(b, "&amp;");
		else
			buf_add(b, s, 1);
	}
}

/* What the text and the drawing share while they are written. */
struct render {
	struct buf *txt, *svg;
	uint64_t widest; /* the longest bar's bytes */
	uint64_t total;  /* bytes on the stick */
	int y;           /* the drawing's next row */
	int ext2;
};

static const char *const colours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
				      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

static void render_kernel(struct render *rd, const struct report_kernel *k)
{
	double w = 600.0 * (double)k->size / (double)rd->widest;
	buf_addf(rd->txt, "kernel %-9s", k->name);
	kib(rd->txt, k->size);
	buf_addf(rd->txt, "  boot/kernel/%s.lk\n", k->name);
	rd->total += k->size;
	buf_addf(rd->svg, "<text x=\"10\" y=\"%d\">kernel ", rd->y + 14);
	svg_text(rd->svg, k->name);
	buf_addf(rd->svg, "</text><rect x=\"160\" y=\"%d\" width=\"%.1f\" height=\"18\" "
			  "fill=\"#4e79a7\"/><text x=\"%.1f\" y=\"%d\">%.1f KiB</text>\n",
		 rd->y, w, 165 + w, rd->y + 14, (double)k->size / 1024.0);
	rd->y += 30;
}

/* A kernel's modules: the initrd that holds them, then every module, biggest first, and the
 * rest (modules.dep and the other indexes, directories, the archive's own bytes). */
static int render_modules(struct render *rd, const struct report_kernel *k)
{
	struct report_part *mods = xcalloc(k->modules->n ? k->modules->n : 1, sizeof(*mods));
	uint64_t in_mods = 0;
	size_t n = 0;
	int err = 0;
	for (size_t i = 0; i < k->modules->n; i++) {
		const struct mf_entry *e = &k->modules->v[i];
		char *name = e->type == MF_FILE ? modules_name(e->path) : NULL;
		if (!name)
			continue;
		mods[n].label = name;
		mods[n].bytes = file_size(e, &err);
		in_mods += mods[n++].bytes;
	}
	qsort(mods, n, sizeof(*mods), by_size);
	buf_addf(rd->txt, "  modules         ");
	kib(rd->txt, k->modules_packed);
	buf_addf(rd->txt, "  boot/initrd/%s\n  uncompressed: ", k->modules_name);
	kib(rd->txt, k->modules_raw);
	buf_addf(rd->txt, "  cpio, %zu modules:\n", n);
	rd->total += k->modules_packed;
	for (size_t j = 0; j < n; j++) {
		buf_adds(rd->txt, "                ");
		kib(rd->txt, mods[j].bytes);
		buf_addf(rd->txt, "  %s\n", mods[j].label);
		free(mods[j].label);
	}
	buf_adds(rd->txt, "                ");
	kib(rd->txt, k->modules_raw > in_mods ? k->modules_raw - in_mods : 0);
	buf_adds(rd->txt, "  modules.dep, modules.alias and the other indexes, directories, cpio "
			  "headers\n");
	free(mods);
	return err;
}

/* One part of an initrd: a line of text, a stretch of its bar, and (for the first eight) a
 * line of the legend under the bar; *x is where the bar has got to. */
static void render_part(struct render *rd, const struct report_part *p, size_t j, double *x)
{
	double w = 600.0 * (double)p->bytes / (double)rd->widest;
	buf_adds(rd->txt, "                ");
	kib(rd->txt, p->bytes);
	buf_addf(rd->txt, "  %s\n", p->label);
	buf_addf(rd->svg, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\">"
			  "<title>",
		 *x, rd->y, w, colours[j % 10]);
	svg_text(rd->svg, p->label);
	buf_addf(rd->svg, ": %.1f KiB</title></rect>\n", (double)p->bytes / 1024.0);
	if (j < 8) {
		buf_addf(rd->svg, "<rect x=\"160\" y=\"%zu\" width=\"10\" height=\"10\" "
				  "fill=\"%s\"/><text x=\"175\" y=\"%zu\">",
			 (size_t)rd->y + 26 + 16 * j, colours[j % 10], (size_t)rd->y + 35 + 16 * j);
		svg_text(rd->svg, p->label);
		buf_addf(rd->svg, " (%.1f KiB)</text>\n", (double)p->bytes / 1024.0);
	}
	*x += w;
}

/* The packages of one initrd, each with what it added (uncompressed). */
static void render_packages(struct render *rd, const struct report_initrd *r)
{
	size_t n = 0;
	for (size_t i = 0; r->pkgs && r->pkg_bytes && i < r->pkgs->n; i++)
		n += r->pkg_bytes[i] != 0;
	if (!n)
		return;
	buf_addf(rd->txt, "  Debian packages (what each added, uncompressed; counted in the "
		 "lines above), %zu:\n", n);
	for (size_t i = 0; i < r->pkgs->n; i++) {
		const struct package *k = &r->pkgs->v[i];
		if (!r->pkg_bytes[i])
			continue;
		buf_adds(rd->txt, "                ");
		kib(rd->txt, r->pkg_bytes[i]);
		buf_addf(rd->txt, "  %s %s\n", k->name, k->version);
	}
}

static int render_initrd(struct render *rd, const struct report_initrd *r)
{
	struct report_part *parts;
	size_t n;
	double x = 160;
	if (report_parts(r->m, r->raw, rd->ext2, 12, &parts, &n) < 0)
		return -1;
	buf_addf(rd->txt, "\ninitrd %-9s", r->name);
	kib(rd->txt, r->gz);
	buf_addf(rd->txt, "  boot/initrd/%s.gz\n  uncompressed: ", r->name);
	kib(rd->txt, r->raw);
	buf_addf(rd->txt, "  %s%s, made of:\n", rd->ext2 ? "ext2" : "cpio",
		 r->stacked ? " (only what it adds to main)" : "");
	if (r->budget_kib)
		buf_addf(rd->txt, "  budget %u KiB: %s\n", r->budget_kib,
			 r->gz <= (uint64_t)r->budget_kib * 1024 ? "within" : "OVER");
	rd->total += r->gz;
	buf_addf(rd->svg, "<text x=\"10\" y=\"%d\">initrd ", rd->y + 14);
	svg_text(rd->svg, r->name);
	buf_addf(rd->svg, "</text>\n");
	for (size_t j = 0; j < n; j++)
		render_part(rd, &parts[j], j, &x);
	render_packages(rd, r);
	rd->y += 190;
	report_parts_free(parts, n);
	return 0;
}

/* A 1.44 MB floppy disk: 80 tracks, 2 sides, 18 sectors of 512 bytes */
#define FLOPPY_BYTES 1474560u

int report_render(const struct plan *plan, const struct report_kernel *k, size_t nk,
		  const struct report_initrd *r, size_t nr, struct buf *txt, struct buf *svg)
{
	struct render rd = {txt, svg, 1, 0, 40, plan->initrd_format == INITRD_EXT2};
	int ret = 0;

	for (size_t i = 0; i < nk; i++)
		if (k[i].size > rd.widest)
			rd.widest = k[i].size;
	for (size_t i = 0; i < nr; i++)
		if (r[i].raw > rd.widest)
			rd.widest = r[i].raw;
	buf_addf(txt, "mkdistro size report: %s/mkdistro.img (%u MiB, for %s)\n\n", plan->out_dir,
		 plan->image_size_mib, plan->arch->name);
	buf_addf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"%zu\" "
		      "font-family=\"sans-serif\" font-size=\"12\">\n",
		 60 + 30 * nk + 190 * nr);
	buf_adds(svg, "<text x=\"10\" y=\"20\" font-size=\"16\">mkdistro: what the stick holds "
		      "(uncompressed bytes)</text>\n");
	for (size_t i = 0; i < nk && !ret; i++) {
		render_kernel(&rd, &k[i]);
		if (k[i].modules)
			ret = render_modules(&rd, &k[i]);
	}
	for (size_t i = 0; i < nr && !ret; i++)
		ret = render_initrd(&rd, &r[i]);
	buf_addf(txt, "\non the stick:   ");
	kib(txt, rd.total);
	buf_adds(txt, "\n");
	/* the anchor of small profiles (examples/tiny): the rescue floppies of old */
	if (rd.total <= FLOPPY_BYTES)
		buf_addf(txt, "fits a 1.44 MB floppy (%u bytes), %llu bytes to spare\n", FLOPPY_BYTES,
			 (unsigned long long)(FLOPPY_BYTES - rd.total));
	buf_adds(svg, "</svg>\n");
	return ret;
}

int report_check_budgets(const struct plan *plan, const struct report_initrd *r, size_t nr)
{
	int ret = 0;
	for (size_t i = 0; i < nr; i++) {
		struct report_part *parts;
		size_t n;
		uint64_t budget = (uint64_t)r[i].budget_kib * 1024;
		if (!r[i].budget_kib || r[i].gz <= budget)
			continue;
		ret = -1;
		if (report_parts(r[i].m, r[i].raw, plan->initrd_format == INITRD_EXT2, 3, &parts, &n) < 0)
			continue;
		error("%s:%d: initrd '%s' is %llu KiB, over its budget of %u KiB by %llu KiB; its "
		      "biggest parts (uncompressed): %s %llu KiB, %s %llu KiB, %s %llu KiB",
		      plan->conf_path, r[i].budget_line, r[i].name,
		      (unsigned long long)(r[i].gz + 1023) / 1024, r[i].budget_kib,
		      (unsigned long long)(r[i].gz - budget + 1023) / 1024, parts[0].label,
		      (unsigned long long)parts[0].bytes / 1024, n > 1 ? parts[1].label : "-",
		      (unsigned long long)(n > 1 ? parts[1].bytes : 0) / 1024,
		      n > 2 ? parts[2].label : "-", (unsigned long long)(n > 2 ? parts[2].bytes : 0) / 1024);
		report_parts_free(parts, n);
	}
	return ret;
}
