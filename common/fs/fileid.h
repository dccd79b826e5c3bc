/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Files as bpf/file.bpf.h hands them over (struct bk_file_id: inode number,
 * kernel device number, i_mode), in columns and JSON.
 */
#ifndef BPFKIT_FS_FILE_H
#define BPFKIT_FS_FILE_H

#include <stddef.h>
#include <linux/types.h>
#include "core/json.h"
#include "file.h"

/* "MAJOR:MINOR" of a kernel dev_t (sb->s_dev), as /proc/self/mountinfo shows it. */
#define BK_DEV_LEN 24
void bk_dev_str(char *buf, size_t len, __u32 kdev);

/* One letter for the file type of an i_mode: R(egular), D(ir), S(ocket), ... */
char bk_file_type_char(__u32 mode);

/*
 * The members every record about a file has: "file" (its name, exact bytes;
 * string i of a record whose str_flags are `flags`, so with file_truncated
 * and null when unreadable), "fstype", "dev" ("8:1") and "ino". `fstype`
 * may be NULL.
 */
void bk_json_file(struct bk_json *j, const struct bk_file_id *id, const char *fstype,
		  const char *name, size_t namelen, __u32 flags, int i);

#endif
