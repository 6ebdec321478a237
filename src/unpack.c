/* unpack.c: safe archive extraction with libarchive (see unpack.h).
 * Reference: libarchive's archive_write_disk(3), "SECURE" extraction flags.
 */
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int unpack_name_is_safe(const char *name)
{
	const char *p = name;
	if (!name || !*name || name[0] == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

int unpack_archive(const char *archive, const char *dest)
{
	struct archive *in = archive_read_new();
	struct archive *out = archive_write_disk_new();
	struct archive_entry *e;
	int ret = -1, r, cwd = -1;
	const int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
			  ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

	archive_read_support_filter_all(in);
	archive_read_support_format_all(in);
	archive_write_disk_set_options(out, flags);
	if (archive_read_open_filename(in, archive, 1 << 16) != ARCHIVE_OK) {
		error("cannot read '%s': %s", archive, archive_error_string(in));
		goto out;
	}
	if (mkdir_p(dest, 0755) < 0)
		goto out;
	/* Names stay relative to dest, so that the SECURE checks look only inside it (an
	 * ancestor of dest may well be a symlink, such as a linked home directory). */
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(dest) < 0) {
		error_errno("cannot enter '%s'", dest);
		goto out;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		const char *link = archive_entry_hardlink(e);
		const void *block;
		size_t size;
		la_int64_t offset;

		if (!unpack_name_is_safe(name) || (link && !unpack_name_is_safe(link))) {
			if (link)
				error("'%s': refusing member '%s', a hard link to '%s': it would land "
				      "outside '%s'", archive, name ? name : "", link, dest);
			else
				error("'%s': refusing member '%s': it would land outside '%s'", archive,
				      name ? name : "", dest);
			goto out;
		}
		if (archive_write_header(out, e) != ARCHIVE_OK) {
			error("'%s': cannot extract '%s': %s", archive, name, archive_error_string(out));
			goto out;
		}
		while ((r = archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK) {
			if (archive_write_data_block(out, block, size, offset) != ARCHIVE_OK) {
				error("'%s': cannot write '%s': %s", archive, name,
				      archive_error_string(out));
				goto out;
			}
		}
		if (r != ARCHIVE_EOF) {
			error("'%s' is damaged: %s", archive, archive_error_string(in));
			goto out;
		}
		if (archive_write_finish_entry(out) != ARCHIVE_OK) {
			error("'%s': cannot finish '%s': %s", archive, name, archive_error_string(out));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		error("'%s' is damaged: %s", archive, archive_error_string(in));
		goto out;
	}
	if (archive_write_close(out) != ARCHIVE_OK) {
		error("cannot extract '%s': %s", archive, archive_error_string(out));
		goto out;
	}
	ret = 0;
out:
	if (cwd >= 0) {
		if (fchdir(cwd) < 0)
			die("cannot return to the working directory");
		close(cwd);
	}
	archive_read_free(in);
	archive_write_free(out);
	return ret;
}
