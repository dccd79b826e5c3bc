// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* JIT symbol maps, see perfmap.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stacks/perfmap.h"

struct pm_ent {
	__u64 start, size;
	__u32 name;	/* offset in the blob */
	__u32 line;	/* order in the file: later lines win */
};

struct bk_perfmap {
	struct pm_ent *ents;
	size_t n;
	char *blob;
};

static int cmp_ent(const void *a, const void *b)
{
	const struct pm_ent *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool parse_hex(char **p, __u64 *v)
{
	char *end;

	if ((*p)[0] == '0' && ((*p)[1] == 'x' || (*p)[1] == 'X'))
		*p += 2;
	if (!((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f') || (**p >= 'A' && **p <= 'F')))
		return false;
	*v = strtoull(*p, &end, 16);
	if (*end != ' ')
		return false;
	*p = end + 1;
	return true;
}

int bk_perfmap_load(const char *path, struct bk_perfmap **out)
{
	size_t cap = 0, blob_len = 0, blob_cap = 0, lcap = 0, n = 0, i, j;
	struct pm_ent *ents = NULL, e;
	char *line = NULL, *blob = NULL, *p;
	struct bk_perfmap *m;
	ssize_t len;
	int err = 0;
	FILE *f;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((len = getline(&line, &lcap, f)) > 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		p = line;
		if (!parse_hex(&p, &e.start) || !parse_hex(&p, &e.size) || !e.size || !*p)
			continue;
		len = strlen(p);
		if (n == cap) {
			size_t c = cap ? cap * 2 : 256;
			void *q = realloc(ents, c * sizeof(*ents));

			if (!q) {
				err = -ENOMEM;
				break;
			}
			ents = q;
			cap = c;
		}
		if (blob_len + len + 1 > blob_cap) {
			size_t c = blob_cap ? blob_cap * 2 : 4096;
			char *q;

			while (c < blob_len + len + 1)
				c *= 2;
			q = realloc(blob, c);
			if (!q) {
				err = -ENOMEM;
				break;
			}
			blob = q;
			blob_cap = c;
		}
		memcpy(blob + blob_len, p, len + 1);
		e.name = (__u32)blob_len;
		e.line = (__u32)n;
		blob_len += len + 1;
		ents[n++] = e;
	}
	free(line);
	fclose(f);
	m = err ? NULL : calloc(1, sizeof(*m));
	if (!m) {
		free(ents);
		free(blob);
		return err ? err : -ENOMEM;
	}
	if (n)
		qsort(ents, n, sizeof(*ents), cmp_ent);
	/* Of entries with one start, the last line of the file stays. */
	for (i = 0, j = 0; i < n; i++) {
		if (j && ents[j - 1].start == ents[i].start)
			j--;
		ents[j++] = ents[i];
	}
	m->ents = ents;
	m->n = j;
	m->blob = blob;
	*out = m;
	return 0;
}

int bk_ns_pid(pid_t pid, pid_t *nspid)
{
	char path[64], line[256], *p, *last;
	int err = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		/* "NSpid:\t4242\t17": the last one is the innermost namespace's. */
		last = NULL;
		for (p = strtok(line + 6, " \t\n"); p; p = strtok(NULL, " \t\n"))
			last = p;
		if (last) {
			*nspid = (pid_t)atoi(last);
			err = *nspid > 0 ? 0 : -EINVAL;
		}
		break;
	}
	fclose(f);
	if (err == -ENOENT) {
		/* Kernels before 4.1 have no NSpid: no pid namespaces to see through. */
		*nspid = pid;
		err = 0;
	}
	return err;
}

int bk_perfmap_load_pid(pid_t pid, struct bk_perfmap **out)
{
	char path[96];
	pid_t nspid;
	int err;

	err = bk_ns_pid(pid, &nspid);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/root/tmp/perf-%d.map", (int)pid, (int)nspid);
	return bk_perfmap_load(path, out);
}

void bk_perfmap_free(struct bk_perfmap *m)
{
	if (!m)
		return;
	free(m->ents);
	free(m->blob);
	free(m);
}

size_t bk_perfmap_count(const struct bk_perfmap *m)
{
	return m->n;
}

int bk_perfmap_find(const struct bk_perfmap *m, __u64 addr, const char **name, __u64 *offset)
{
	size_t lo = 0, hi = m->n, mid, i;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->ents[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Overlapping entries are rare; look at a few before the nearest start. */
	for (i = lo; i-- > 0 && lo - i <= 16;) {
		const struct pm_ent *e = &m->ents[i];

		if (addr - e->start < e->size) {
			*name = m->blob + e->name;
			*offset = addr - e->start;
			return 0;
		}
	}
	return -ENOENT;
}
