/* deb.c: Debian binary packages read without dpkg (see deb.h).
 * Reference: deb(5); libarchive's ar reader (archive_read_support_format_ar).
 */
#include "formats/deb.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "formats/unpack.h"
#include "sys/alloc.h"
#include "sys/log.h"

/* The compressions deb(5) allows each tar member ("" is a plain tar). */
static const char *const control_ends[] = {"", ".gz", ".xz", ".zst"};
static const char *const data_ends[] = {"", ".gz", ".bz2", ".xz", ".zst"};

/* name is prefix followed by one of ends[0..n). */
static int named(const char *name, const char *prefix, const char *const *ends, size_t n)
{
	size_t len = strlen(prefix);
	if (strncmp(name, prefix, len))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name + len, ends[i]))
			return 1;
	return 0;
}

/* debian-binary's contents, read from in: "2." and a minor version, then a newline. */
static int check_version(const char *path, struct archive *in)
{
	char v[65];
	la_ssize_t n = archive_read_data(in, v, sizeof(v) - 1);
	if (n < 0)
		return error("'%s' is damaged: %s", path, archive_error_string(in));
	v[n] = '\0';
	if (strncmp(v, "2.", 2) || !strchr(v, '\n'))
		return error("'%s': debian-binary says '%.*s', not a 2.x package", path,
			     (int)strcspn(v, "\n"), v);
	return 0;
}

int deb_open(const char *path, struct deb *d)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	int ret = -1, r, i = 0;

	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
	archive_read_support_format_ar(in);
	if (archive_read_open_filename(in, path, 1 << 16) != ARCHIVE_OK) {
		error("'%s' is not a Debian package (an ar archive): %s", path,
		      archive_error_string(in));
		goto out;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (i == 0 && !strcmp(name, "debian-binary")) {
			if (check_version(path, in) < 0)
				goto out;
		} else if (i == 1 && named(name, "control.tar", control_ends, 4)) {
			d->control_member = xstrdup(name);
		} else if (i == 2 && named(name, "data.tar", data_ends, 5)) {
			d->data_member = xstrdup(name);
		} else if (i < 3 || name[0] != '_') {
			static const char *const want[] = {"debian-binary", "control.tar.*", "data.tar.*"};
			if (i < 3)
				error("'%s': member %d is '%s', where deb(5) has %s", path, i + 1, name,
				      want[i]);
			else
				error("'%s': an unknown member '%s' after data.tar", path, name);
			goto out;
		}
		i++;
	}
	if (r != ARCHIVE_EOF)
		error("'%s' is damaged or cut short: %s", path, archive_error_string(in));
	else if (i < 3)
		error("'%s' ends after %d member%s: a package has debian-binary, control.tar.* and "
		      "data.tar.*", path, i, i == 1 ? "" : "s");
	else
		ret = 0;
out:
	archive_read_free(in);
	return ret;
}

int deb_control(const struct deb *d, struct buf *out)
{
	return unpack_ar_file(d->path, d->control_member, "control", DEB_CONTROL_MAX, out);
}

int deb_control_file(const struct deb *d, const char *name, struct buf *out)
{
	return unpack_ar_file_if(d->path, d->control_member, name, DEB_CONTROL_MAX, out);
}

int deb_extract(const struct deb *d, const char *dest)
{
	return unpack_ar_member(d->path, d->data_member, dest);
}

void deb_release(struct deb *d)
{
	free(d->path);
	free(d->control_member);
	free(d->data_member);
	memset(d, 0, sizeof(*d));
}
