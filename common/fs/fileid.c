// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <stdio.h>
#include "fs/fileid.h"

void bk_dev_str(char *buf, size_t len, __u32 kdev)
{
	snprintf(buf, len, "%u:%u", BK_KDEV_MAJOR(kdev), BK_KDEV_MINOR(kdev));
}

char bk_file_type_char(__u32 mode)
{
	switch (mode & BK_S_IFMT) {
	case BK_S_IFREG: return 'R';
	case BK_S_IFDIR: return 'D';
	case BK_S_IFSOCK: return 'S';
	case BK_S_IFLNK: return 'L';
	case BK_S_IFIFO: return 'P';
	case BK_S_IFCHR: return 'C';
	case BK_S_IFBLK: return 'B';
	default: return 'O';
	}
}

void bk_json_file(struct bk_json *j, const struct bk_file_id *id, const char *fstype,
		  const char *name, size_t namelen, __u32 flags, int i)
{
	char dev[BK_DEV_LEN];

	bk_json_rec_str(j, "file", name, namelen, flags, i);
	if (fstype)
		bk_json_str(j, "fstype", fstype, BK_FSTYPE_LEN);
	bk_dev_str(dev, sizeof(dev), id->dev);
	bk_json_str(j, "dev", dev, sizeof(dev));
	bk_json_uint(j, "ino", id->ino);
}
