/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Function symbols and USDT notes of ELF files, for uprobe attachment and
 * user-stack symbolization.
 *
 * An elfsym_file holds the function symbols (STT_FUNC and STT_GNU_IFUNC with
 * a non-zero address) of .symtab and .dynsym, deduplicated by (name,
 * address). When the file has no .symtab (it was stripped) the symbols of a
 * separate debug file are added, found by build-id
 * (DEBUG_ROOT/.build-id/xx/yyyy.debug) or by .gnu_debuglink (the file's
 * directory, its .debug/ subdirectory, DEBUG_ROOT/<dir>/), the latter only
 * when its CRC32 matches.
 *
 * Addresses: "vaddr" is the ELF virtual address (st_value); "offset" is the
 * file offset a uprobe takes, found through the PT_LOAD program headers of
 * the file itself (not of the debug file), so it is right for ET_EXEC, PIE
 * executables and shared libraries alike. For a running process, an address
 * in a file-backed mapping [start, end) with file offset pgoff has file
 * offset addr - start + pgoff; elfsym_offset_to_vaddr() then gives the vaddr
 * to pass to elfsym_addr_to_sym().
 *
 * Every function returns 0 or a negative errno and prints nothing. Strings
 * handed out stay valid until elfsym_close().
 */
#ifndef BPFKIT_ELFSYM_H
#define BPFKIT_ELFSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elfsym_file;

struct elfsym_opts {
	/* Root of separate debug files; NULL means "/usr/lib/debug". */
	const char *debug_root;
	/* Do not look for a separate debug file. */
	bool no_debug_file;
};

struct elfsym_sym {
	const char *name;
	uint64_t vaddr;
	uint64_t size;
	/* File offset for a uprobe; 0 when vaddr is in no PT_LOAD segment. */
	uint64_t offset;
	/* STT_GNU_IFUNC: vaddr is the resolver, not the implementation. */
	bool ifunc;
	/* STB_GLOBAL or STB_WEAK (else STB_LOCAL). */
	bool global;
};

/* One probe of .note.stapsdt; pc and semaphore already adjusted for
 * prelinking through .stapsdt.base. */
struct elfsym_usdt {
	const char *provider;
	const char *name;
	/* Argument string, e.g. "8@%rbx -4@-20(%rbp)"; "" when none. */
	const char *args;
	uint64_t pc;		/* vaddr of the probe site */
	uint64_t pc_offset;	/* its file offset (uprobe offset) */
	uint64_t semaphore;	/* vaddr of the semaphore, 0 when none */
	uint64_t sema_offset;	/* its file offset, 0 when none */
};

/* Return non-zero to stop the walk; the foreach function returns it. */
typedef int (*elfsym_cb)(const struct elfsym_sym *sym, void *ctx);
typedef int (*elfsym_usdt_cb)(const struct elfsym_usdt *probe, void *ctx);

/*
 * Opens path and reads its symbol tables. -ENOENT/-EACCES from open(),
 * -ENOEXEC when it is not a usable ELF file, -ENOMEM. A file without any
 * function symbol opens fine (lookups give -ENOENT).
 */
int elfsym_open(const char *path, struct elfsym_file **out);
int elfsym_open_opts(const char *path, const struct elfsym_opts *opts,
		     struct elfsym_file **out);
void elfsym_close(struct elfsym_file *f);

/* Number of distinct (name, vaddr) function symbols. */
size_t elfsym_count(const struct elfsym_file *f);
/* Path of the separate debug file whose symbols were used, or NULL. */
const char *elfsym_debug_path(const struct elfsym_file *f);

/*
 * The symbol called name. When several definitions have this name, global
 * ones win over locals; -ENOTUNIQ when the winners still have different
 * addresses (static functions of the same name in several files), -ENOENT
 * when there is none.
 */
int elfsym_find(const struct elfsym_file *f, const char *name,
		const struct elfsym_sym **sym);
/* The uprobe file offset of name; elfsym_find() errors, -ENOENT also when
 * the symbol is in no loadable segment. */
int elfsym_lookup(const struct elfsym_file *f, const char *name,
		  uint64_t *offset);

/*
 * Calls cb for every symbol whose name matches the fnmatch(3) pattern glob
 * (NULL matches all), in name order. Aliases (several names at one address)
 * are reported separately.
 */
int elfsym_foreach(const struct elfsym_file *f, const char *glob,
		   elfsym_cb cb, void *ctx);
/* The same as an array of pointers into f (free() the array, not the
 * entries); *cnt may be 0 with *syms NULL, as they are on failure. */
int elfsym_match(const struct elfsym_file *f, const char *glob,
		 const struct elfsym_sym ***syms, size_t *cnt);

/*
 * The function containing vaddr: its name and vaddr - symbol start. Of
 * aliases, a global name wins, then the one with fewer leading underscores.
 * Zero-sized symbols cover only up to the next symbol. -ENOENT when none.
 */
int elfsym_addr_to_sym(const struct elfsym_file *f, uint64_t vaddr,
		       const char **name, uint64_t *sym_off);

/* Conversions through the PT_LOAD headers; -ENOENT outside of them. */
int elfsym_vaddr_to_offset(const struct elfsym_file *f, uint64_t vaddr,
			   uint64_t *offset);
int elfsym_offset_to_vaddr(const struct elfsym_file *f, uint64_t offset,
			   uint64_t *vaddr);

/*
 * Calls cb for each USDT probe of .note.stapsdt in file order; 0 and no call
 * when there are none. The file is read again here (an elfsym_file keeps no
 * descriptor open), so the strings of *probe are valid during the callback
 * only. -EINVAL when a note is malformed.
 */
int elfsym_usdt_foreach(const struct elfsym_file *f, elfsym_usdt_cb cb,
			void *ctx);

/*
 * Calls cb with each library path's dynamic section names (DT_NEEDED:
 * "libreadline.so.8"), in file order; 0 and no call for a static binary.
 * cb returns non-zero to stop, which is then returned. -ENOENT/-EACCES
 * from open(), -ENOEXEC when path is not an ELF file.
 */
int elfsym_needed_foreach(const char *path, int (*cb)(const char *lib, void *ctx), void *ctx);

#endif
