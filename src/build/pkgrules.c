/* pkgrules.c: the rules for packages that need more than their files (see pkgrules.h).
 * Each is checked by the boot test of tests/e2e/55-packages.sh, which uses the package.
 */
#include "build/pkgrules.h"

#include <string.h>

static const struct pkgrule rules[] = {
	{
		.package = "libtinfo6",
		.brings = "ncurses-base",
		.why = "the terminal descriptions libtinfo reads (/lib/terminfo, /usr/share/terminfo) "
		       "are in ncurses-base, an Essential package that no package names in Depends",
	},
	{
		.package = "dropbear-bin",
		.dirs = "/etc/dropbear",
		.boot = "# dropbear-bin (a rule of mkdistro): the SSH host key is made on this stick at\n"
			"# start-up, never at build time, so that no two sticks share a key.\n"
			"key=/etc/dropbear/dropbear_ed25519_host_key\n"
			"if [ ! -s \"$key\" ]; then\n"
			"\tmkdir -p /etc/dropbear\n"
			"\tdropbearkey -t ed25519 -f \"$key\" > /dev/null 2>&1 ||\n"
			"\t\techo \"mkdistro: dropbearkey could not make $key\"\n"
			"fi\n",
		.why = "its host key is made at start-up (dropbear-run's postinst makes it at install "
		       "time, which a stick must not share)",
	},
	{
		.package = "tcpdump",
		.passwd = "tcpdump:x:101:101:tcpdump:/nonexistent:/bin/false\n",
		.group = "tcpdump:x:101:\n",
		.why = "run as root, it gives up root for the user tcpdump once the capture is open "
		       "(its postinst makes that user with adduser)",
	},
};

const struct pkgrule *pkgrule_at(unsigned i)
{
	return i < sizeof(rules) / sizeof(rules[0]) ? &rules[i] : NULL;
}

const struct pkgrule *pkgrule_find(const char *name)
{
	for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].package, name))
			return &rules[i];
	return NULL;
}
