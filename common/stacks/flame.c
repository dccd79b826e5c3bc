// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Flame graphs as interactive SVG, see flame.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/utf8.h"
#include "stacks/flame.h"
#include "stacks/frames.h"

#define XPAD 10
#define FRAME_H 16
#define FONT_SIZE 12
#define FONT_W 0.59	/* average glyph width, in font sizes */
#define TOP_PAD 60
#define BOTTOM_PAD 34

struct node {
	__u64 total;
	__u32 parent;
	__u32 name;	/* offset in the name blob */
	__u32 len;
	__u32 hash;
};

struct bk_flame {
	struct node *nodes;	/* nodes[0] is the root, "all" */
	size_t n, cap;
	char *blob;
	size_t blob_len, blob_cap;
	__u32 *table;		/* open addressing: node index + 1, 0 empty */
	size_t table_cap;
};

static __u32 fnv1a(const char *s, size_t len, __u32 seed)
{
	__u32 h = 2166136261u ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

void bk_flame_opts_default(struct bk_flame_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->title = "Flame Graph";
	o->count_name = "samples";
	o->width = 1200;
	o->min_width = 0.1;
	o->palette = BK_FLAME_ONCPU;
}

int bk_flame_new(struct bk_flame **out)
{
	struct bk_flame *fg = calloc(1, sizeof(*fg));

	*out = NULL;
	if (!fg)
		return -ENOMEM;
	fg->cap = 1024;
	fg->nodes = calloc(fg->cap, sizeof(*fg->nodes));
	fg->table_cap = 2048;
	fg->table = calloc(fg->table_cap, sizeof(*fg->table));
	fg->blob_cap = 1 << 16;
	fg->blob = malloc(fg->blob_cap);
	if (!fg->nodes || !fg->table || !fg->blob) {
		bk_flame_free(fg);
		return -ENOMEM;
	}
	memcpy(fg->blob, "all", 4);
	fg->blob_len = 4;
	fg->nodes[0].len = 3;
	fg->n = 1;
	*out = fg;
	return 0;
}

void bk_flame_free(struct bk_flame *fg)
{
	if (!fg)
		return;
	free(fg->nodes);
	free(fg->table);
	free(fg->blob);
	free(fg);
}

__u64 bk_flame_total(const struct bk_flame *fg)
{
	return fg->nodes[0].total;
}

static int grow_table(struct bk_flame *fg)
{
	size_t cap = fg->table_cap * 2, i, j;
	__u32 *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; i < fg->table_cap; i++) {
		__u32 v = fg->table[i];

		if (!v)
			continue;
		for (j = fg->nodes[v - 1].hash & (cap - 1); t[j]; j = (j + 1) & (cap - 1))
			;
		t[j] = v;
	}
	free(fg->table);
	fg->table = t;
	fg->table_cap = cap;
	return 0;
}

/* The child of parent called name, made if new; -ENOMEM. */
static long child(struct bk_flame *fg, __u32 parent, const char *name, size_t len)
{
	__u32 h = fnv1a(name, len, parent * 2654435761u);
	struct node *nd;
	size_t i;

	for (i = h & (fg->table_cap - 1); fg->table[i]; i = (i + 1) & (fg->table_cap - 1)) {
		nd = &fg->nodes[fg->table[i] - 1];
		if (nd->hash == h && nd->parent == parent && nd->len == len &&
		    !memcmp(fg->blob + nd->name, name, len))
			return fg->table[i] - 1;
	}
	if (fg->n == fg->cap) {
		void *p = realloc(fg->nodes, fg->cap * 2 * sizeof(*fg->nodes));

		if (!p)
			return -ENOMEM;
		fg->nodes = p;
		fg->cap *= 2;
	}
	if (fg->blob_len + len + 1 > fg->blob_cap) {
		size_t cap = fg->blob_cap * 2;
		char *p;

		while (cap < fg->blob_len + len + 1)
			cap *= 2;
		p = realloc(fg->blob, cap);
		if (!p)
			return -ENOMEM;
		fg->blob = p;
		fg->blob_cap = cap;
	}
	nd = &fg->nodes[fg->n];
	memset(nd, 0, sizeof(*nd));
	nd->parent = parent;
	nd->name = (__u32)fg->blob_len;
	nd->len = (__u32)len;
	nd->hash = h;
	memcpy(fg->blob + fg->blob_len, name, len);
	fg->blob[fg->blob_len + len] = 0;
	fg->blob_len += len + 1;
	fg->table[i] = (__u32)++fg->n;
	if (fg->n * 2 > fg->table_cap && grow_table(fg))
		return -ENOMEM;
	return fg->n - 1;
}

int bk_flame_add(struct bk_flame *fg, const char *stack, size_t len, __u64 count)
{
	const char *p = stack, *end = stack + len, *semi;
	__u32 cur = 0;
	long c;

	if (!count)
		return 0;
	fg->nodes[0].total += count;
	while (p < end) {
		semi = memchr(p, ';', end - p);
		if (!semi)
			semi = end;
		if (semi > p) {
			c = child(fg, cur, p, semi - p);
			if (c < 0)
				return (int)c;
			cur = (__u32)c;
			fg->nodes[cur].total += count;
		}
		p = semi + 1;
	}
	return 0;
}

int bk_flame_add_line(struct bk_flame *fg, const char *line)
{
	size_t len = strcspn(line, "\n");
	const char *sp;
	char *end;
	__u64 count;

	while (len && line[len - 1] == '\r')
		len--;
	if (!len || line[0] == '#')
		return 0;
	sp = line + len;
	while (sp > line && sp[-1] != ' ')
		sp--;
	if (sp == line || sp == line + len || !(*sp >= '0' && *sp <= '9'))
		return -EINVAL;
	count = strtoull(sp, &end, 10);
	/* A decimal part (perf's weighted stacks) is dropped. */
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	if (end != line + len)
		return -EINVAL;
	len = sp - 1 - line;
	while (len && line[len - 1] == ' ')
		len--;
	return bk_flame_add(fg, line, len, count);
}

/* ---- writing ---- */

struct writer {
	struct bk_flame *fg;
	const struct bk_flame_opts *o;
	FILE *f;
	__u32 *order;		/* node indexes sorted by (parent, name) */
	__u32 *first, *nchild;	/* per node: its children in order[] */
	double scale;		/* pixels per count */
	int height, max_depth;
};

static struct bk_flame *sort_fg;

static int cmp_children(const void *a, const void *b)
{
	const struct node *x = &sort_fg->nodes[*(const __u32 *)a];
	const struct node *y = &sort_fg->nodes[*(const __u32 *)b];
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	c = memcmp(sort_fg->blob + x->name, sort_fg->blob + y->name, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Writes s (len bytes) for XML text or attributes: escaped, valid UTF-8. */
static void xml_text(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int cp;
	size_t i = 0, k;

	while (i < len) {
		unsigned char c = s[i];

		if (c == '&') {
			fputs("&amp;", f);
		} else if (c == '<') {
			fputs("&lt;", f);
		} else if (c == '>') {
			fputs("&gt;", f);
		} else if (c == '"') {
			fputs("&quot;", f);
		} else if (c == '\'') {
			fputs("&apos;", f);
		} else if (c >= 0x20 && c < 0x7f) {
			putc(c, f);
		} else if (c >= 0x80 && (k = bk_utf8_seq(s + i, len - i, &cp)) &&
			   cp >= 0xa0 && cp != 0xfffe && cp != 0xffff) {
			/* Valid UTF-8 that XML allows as text. */
			fwrite(s + i, 1, k, f);
			i += k;
			continue;
		} else {
			fprintf(f, "\\x%02x", c);
		}
		i++;
	}
}

/* Bytes of name that fit in w pixels as a label, cut on a character. */
static size_t label_len(const char *name, size_t len, double w, bool *cut)
{
	size_t chars = (size_t)((w - 6) / (FONT_SIZE * FONT_W)), i = 0, n = 0;

	*cut = false;
	if (w < 6 || chars < 3)
		return 0;
	/* Count characters, not bytes. */
	for (i = 0; i < len; i++)
		if (((unsigned char)name[i] & 0xc0) != 0x80)
			n++;
	if (n <= chars)
		return len;
	*cut = true;
	for (i = 0, n = 0; i < len; i++) {
		if (((unsigned char)name[i] & 0xc0) != 0x80 && n++ == chars - 2)
			break;
	}
	return i;
}

static double hue_to_rgb(double p, double q, double t)
{
	if (t < 0)
		t += 1;
	if (t > 1)
		t -= 1;
	if (t < 1.0 / 6)
		return p + (q - p) * 6 * t;
	if (t < 0.5)
		return q;
	if (t < 2.0 / 3)
		return p + (q - p) * (2.0 / 3 - t) * 6;
	return p;
}

/* The fill of a frame: the hue range by kind and palette, the shade by name. */
static void colour(const char *name, size_t len, int palette, int rgb[3])
{
	static const struct { double h0, h1, s, l; } on[] = {
		[BK_FRAME_USER] = { 0, 16, 0.75, 0.58 },
		[BK_FRAME_KERNEL] = { 24, 38, 0.85, 0.55 },
		[BK_FRAME_JIT] = { 95, 130, 0.55, 0.50 },
		[BK_FRAME_INLINED] = { 172, 190, 0.60, 0.55 },
		[BK_FRAME_WAKER] = { 268, 290, 0.50, 0.62 },
		[BK_FRAME_UNKNOWN] = { 0, 0, 0, 0.70 },
		[BK_FRAME_MARK] = { 0, 0, 0, 0.82 },
	}, off[] = {
		[BK_FRAME_USER] = { 195, 215, 0.65, 0.60 },
		[BK_FRAME_KERNEL] = { 220, 240, 0.60, 0.55 },
		[BK_FRAME_JIT] = { 160, 178, 0.55, 0.50 },
		[BK_FRAME_INLINED] = { 182, 194, 0.60, 0.60 },
		[BK_FRAME_WAKER] = { 268, 290, 0.50, 0.62 },
		[BK_FRAME_UNKNOWN] = { 0, 0, 0, 0.70 },
		[BK_FRAME_MARK] = { 0, 0, 0, 0.82 },
	};
	size_t base;
	int kind = bk_frame_kind_of(name, len, &base);
	__u32 h = fnv1a(name, base, 0);
	double v1 = (h & 0xffff) / 65535.0, v2 = (h >> 16) / 65535.0;
	double hue, s, l, q, p;

	if (len == 3 && !memcmp(name, "all", 3))
		kind = BK_FRAME_MARK;
	const typeof(on[0]) *c = palette == BK_FLAME_OFFCPU ? &off[kind] : &on[kind];
	hue = (c->h0 + (c->h1 - c->h0) * v1) / 360;
	s = c->s ? c->s - 0.1 + 0.2 * v2 : 0;
	l = c->l - 0.04 + 0.08 * v2;
	q = l < 0.5 ? l * (1 + s) : l + s - l * s;
	p = 2 * l - q;
	rgb[0] = (int)(255 * hue_to_rgb(p, q, hue + 1.0 / 3) + 0.5);
	rgb[1] = (int)(255 * hue_to_rgb(p, q, hue) + 0.5);
	rgb[2] = (int)(255 * hue_to_rgb(p, q, hue - 1.0 / 3) + 0.5);
}

/* "1,234,567" */
static void commas(char *buf, size_t len, __u64 v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, (uint64_t)v), o = 0;

	for (int i = 0; i < n && (size_t)o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = 0;
}

static void frame(struct writer *w, __u32 idx, double x, int depth)
{
	const struct node *nd = &w->fg->nodes[idx];
	const char *name = w->fg->blob + nd->name;
	double width = nd->total * w->scale;
	int y, rgb[3];
	char cnt[32];
	size_t lab;
	bool cut;

	if (w->o->inverted)
		y = TOP_PAD + depth * FRAME_H;
	else
		y = w->height - BOTTOM_PAD - (depth + 1) * FRAME_H;
	colour(name, nd->len, w->o->palette, rgb);
	commas(cnt, sizeof(cnt), nd->total);
	fputs("<g class=\"f\"><title>", w->f);
	xml_text(w->f, name, nd->len);
	fprintf(w->f, " (%s %s, %.2f%%)</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
		"fill=\"rgb(%d,%d,%d)\" rx=\"2\"/><text x=\"%.2f\" y=\"%d\">", cnt, w->o->count_name,
		100.0 * nd->total / w->fg->nodes[0].total, x, y, width, FRAME_H - 1, rgb[0], rgb[1],
		rgb[2], x + 3, y + FRAME_H - 4);
	lab = label_len(name, nd->len, width, &cut);
	xml_text(w->f, name, lab);
	if (cut)
		fputs("..", w->f);
	fputs("</text></g>\n", w->f);
}

/*
 * Depth-first from the root, children in name order; `emit` 0 only
 * measures the depth of what is wide enough to draw.
 */
static int walk(struct writer *w, bool emit)
{
	struct item {
		__u32 idx;
		int depth;
		double x;
	} *stack;
	size_t sp = 0, cap = 1024;
	double min = w->o->min_width;

	stack = malloc(cap * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	stack[sp++] = (struct item){ 0, 0, XPAD };
	while (sp) {
		struct item it = stack[--sp];
		const struct node *nd = &w->fg->nodes[it.idx];
		double x;

		if (nd->total * w->scale < min)
			continue;
		if (emit)
			frame(w, it.idx, it.x, it.depth);
		else if (it.depth > w->max_depth)
			w->max_depth = it.depth;
		if (sp + w->nchild[it.idx] > cap) {
			void *p;

			while (sp + w->nchild[it.idx] > cap)
				cap *= 2;
			p = realloc(stack, cap * sizeof(*stack));
			if (!p) {
				free(stack);
				return -ENOMEM;
			}
			stack = p;
		}
		/* Pushed last to first so that the first child is drawn first. */
		x = it.x + nd->total * w->scale;
		for (__u32 k = w->nchild[it.idx]; k-- > 0;) {
			__u32 c = w->order[w->first[it.idx] + k];

			x -= w->fg->nodes[c].total * w->scale;
			stack[sp++] = (struct item){ c, it.depth + 1, x };
		}
	}
	free(stack);
	return 0;
}

static const char script[] =
"var svg, frames, details, matched, unzoombtn, searchbtn, all = [], searching = null;\n"
"function init(evt) {\n"
"	svg = document.documentElement;\n"
"	frames = document.getElementById('frames');\n"
"	details = document.getElementById('details');\n"
"	matched = document.getElementById('matched');\n"
"	unzoombtn = document.getElementById('unzoom');\n"
"	searchbtn = document.getElementById('search');\n"
"	var gs = frames.getElementsByTagName('g');\n"
"	for (var i = 0; i < gs.length; i++) {\n"
"		var g = gs[i], r = g.getElementsByTagName('rect')[0];\n"
"		var t = g.getElementsByTagName('title')[0].textContent;\n"
"		var m = t.match(/^([\\s\\S]*) \\([^()]*\\)$/);\n"
"		g.fg = { x: +r.getAttribute('x'), w: +r.getAttribute('width'),\n"
"			 y: +r.getAttribute('y'), fill: r.getAttribute('fill'),\n"
"			 name: m ? m[1] : t, info: t, rect: r,\n"
"			 text: g.getElementsByTagName('text')[0],\n"
"			 sx: r.getAttribute('x'), sy: r.getAttribute('y') };\n"
"		all.push(g);\n"
"	}\n"
"	frames.addEventListener('click', function (e) {\n"
"		var g = owner(e.target);\n"
"		if (g) zoom(g);\n"
"	});\n"
"	frames.addEventListener('mouseover', function (e) {\n"
"		var g = owner(e.target);\n"
"		if (g) details.textContent = g.fg.info;\n"
"	});\n"
"	frames.addEventListener('mouseout', function (e) {\n"
"		details.textContent = ' ';\n"
"	});\n"
"	unzoombtn.addEventListener('click', unzoom);\n"
"	searchbtn.addEventListener('click', function () {\n"
"		if (searching !== null) { reset_search(); return; }\n"
"		var term = prompt('Search for (a regular expression):', '');\n"
"		if (term) search(term);\n"
"	});\n"
"	var q = new URLSearchParams(document.location.search);\n"
"	if (q.has('x') && q.has('y')) {\n"
"		for (var i = 0; i < all.length; i++)\n"
"			if (all[i].fg.sx === q.get('x') && all[i].fg.sy === q.get('y')) {\n"
"				all[i].fg.rect.dispatchEvent(new MouseEvent('click', { bubbles: true }));\n"
"				break;\n"
"			}\n"
"	}\n"
"	if (q.has('s')) search(q.get('s'));\n"
"}\n"
"function owner(el) {\n"
"	while (el && el !== frames) {\n"
"		if (el.fg) return el;\n"
"		el = el.parentNode;\n"
"	}\n"
"	return null;\n"
"}\n"
"function label(g, w) {\n"
"	var name = g.fg.name, chars = Math.floor((w - 6) / (FONT_SIZE * FONT_W));\n"
"	var cs = Array.from(name);\n"
"	if (w < 6 || chars < 3) return '';\n"
"	if (cs.length <= chars) return name;\n"
"	return cs.slice(0, chars - 2).join('') + '..';\n"
"}\n"
"function place(g, x, w) {\n"
"	g.fg.rect.setAttribute('x', x.toFixed(2));\n"
"	g.fg.rect.setAttribute('width', w.toFixed(2));\n"
"	g.fg.text.setAttribute('x', (x + 3).toFixed(2));\n"
"	g.fg.text.textContent = label(g, w);\n"
"}\n"
"function zoom(node) {\n"
"	var x0 = node.fg.x, w0 = node.fg.w, y0 = node.fg.y, eps = 0.02;\n"
"	var full = WIDTH - 2 * XPAD, ratio = full / w0;\n"
"	unzoombtn.classList.remove('hide');\n"
"	for (var i = 0; i < all.length; i++) {\n"
"		var g = all[i], f = g.fg;\n"
"		var below = INVERTED ? f.y < y0 : f.y > y0;\n"
"		g.classList.remove('hide');\n"
"		g.classList.remove('parent');\n"
"		if (below && f.x <= x0 + eps && f.x + f.w >= x0 + w0 - eps) {\n"
"			g.classList.add('parent');\n"
"			place(g, XPAD, full);\n"
"		} else if (!below && f.x >= x0 - eps && f.x + f.w <= x0 + w0 + eps) {\n"
"			place(g, XPAD + (f.x - x0) * ratio, f.w * ratio);\n"
"		} else {\n"
"			g.classList.add('hide');\n"
"		}\n"
"	}\n"
"}\n"
"function unzoom() {\n"
"	unzoombtn.classList.add('hide');\n"
"	for (var i = 0; i < all.length; i++) {\n"
"		var g = all[i];\n"
"		g.classList.remove('hide');\n"
"		g.classList.remove('parent');\n"
"		place(g, g.fg.x, g.fg.w);\n"
"	}\n"
"}\n"
"function search(term) {\n"
"	var re, spans = [], covered = 0, end = -1;\n"
"	try { re = new RegExp(term); }\n"
"	catch (e) { re = new RegExp(term.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&')); }\n"
"	reset_search();\n"
"	for (var i = 0; i < all.length; i++) {\n"
"		var f = all[i].fg;\n"
"		if (!re.test(f.name)) continue;\n"
"		f.rect.setAttribute('fill', 'rgb(230,0,230)');\n"
"		all[i].classList.add('match');\n"
"		spans.push([f.x, f.x + f.w]);\n"
"	}\n"
"	/* Nested matches cover the same width: count it once. */\n"
"	spans.sort(function (a, b) { return a[0] - b[0]; });\n"
"	for (var i = 0; i < spans.length; i++) {\n"
"		var s = Math.max(spans[i][0], end), e = spans[i][1];\n"
"		if (e > s) covered += e - s;\n"
"		if (e > end) end = e;\n"
"	}\n"
"	searching = term;\n"
"	searchbtn.textContent = 'Reset Search';\n"
"	matched.textContent = 'Matched: ' + (100 * covered / (WIDTH - 2 * XPAD)).toFixed(1) + '%';\n"
"	matched.classList.remove('hide');\n"
"}\n"
"function reset_search() {\n"
"	for (var i = 0; i < all.length; i++) {\n"
"		all[i].fg.rect.setAttribute('fill', all[i].fg.fill);\n"
"		all[i].classList.remove('match');\n"
"	}\n"
"	searching = null;\n"
"	searchbtn.textContent = 'Search';\n"
"	matched.classList.add('hide');\n"
"}\n";

int bk_flame_write(struct bk_flame *fg, FILE *f, const struct bk_flame_opts *opts)
{
	struct bk_flame_opts def;
	struct writer w = { fg, opts, f };
	__u32 *order = NULL, *first = NULL, *nchild = NULL;
	char total[32];
	size_t i;
	int err = -ENOMEM, width;

	if (!opts) {
		bk_flame_opts_default(&def);
		w.o = opts = &def;
	}
	width = opts->width > 2 * XPAD + 10 ? opts->width : 2 * XPAD + 10;
	order = malloc(fg->n * sizeof(*order));
	first = calloc(fg->n, sizeof(*first));
	nchild = calloc(fg->n, sizeof(*nchild));
	if (!order || !first || !nchild)
		goto out;
	for (i = 1; i < fg->n; i++)
		order[i - 1] = (__u32)i;
	sort_fg = fg;
	qsort(order, fg->n - 1, sizeof(*order), cmp_children);
	for (i = fg->n - 1; i-- > 0;) {
		__u32 p = fg->nodes[order[i]].parent;

		first[p] = (__u32)i;
		nchild[p]++;
	}
	w.order = order;
	w.first = first;
	w.nchild = nchild;
	w.scale = fg->nodes[0].total ? (double)(width - 2 * XPAD) / fg->nodes[0].total : 0;
	err = walk(&w, false);
	if (err)
		goto out;
	w.height = TOP_PAD + (w.max_depth + 1) * FRAME_H + BOTTOM_PAD;

	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
		"\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
		"<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"onload=\"init(evt)\" xmlns=\"http://www.w3.org/2000/svg\" "
		"xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n", width, w.height, width, w.height);
	fputs("<!-- Written by bpfkit (common/stacks/flame.c). -->\n", f);
	fprintf(f, "<style type=\"text/css\"><![CDATA[\n"
		"text { font-family: Verdana, sans-serif; font-size: %dpx; fill: rgb(0,0,0); }\n"
		"#title { text-anchor: middle; font-size: 17px; }\n"
		"#subtitle { text-anchor: middle; fill: rgb(90,90,90); }\n"
		"#unzoom, #search { cursor: pointer; }\n"
		"#frames text { pointer-events: none; }\n"
		".f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; cursor: pointer; }\n"
		".hide { display: none; }\n"
		".parent { opacity: 0.5; }\n"
		"]]></style>\n", FONT_SIZE);
	fprintf(f, "<script type=\"text/ecmascript\"><![CDATA[\n"
		"var WIDTH = %d, XPAD = %d, FONT_SIZE = %d, FONT_W = %.2f, INVERTED = %s;\n%s"
		"]]></script>\n", width, XPAD, FONT_SIZE, FONT_W, opts->inverted ? "true" : "false",
		script);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"rgb(250,250,245)\"/>\n",
		width, w.height);
	fprintf(f, "<text id=\"title\" x=\"%d\" y=\"24\">", width / 2);
	xml_text(f, opts->title, strlen(opts->title));
	fputs("</text>\n", f);
	commas(total, sizeof(total), fg->nodes[0].total);
	fprintf(f, "<text id=\"subtitle\" x=\"%d\" y=\"42\">", width / 2);
	if (opts->subtitle) {
		xml_text(f, opts->subtitle, strlen(opts->subtitle));
		fputs(", ", f);
	}
	fprintf(f, "%s %s in all</text>\n", total, opts->count_name);
	fprintf(f, "<text id=\"unzoom\" class=\"hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n", XPAD);
	fprintf(f, "<text id=\"search\" x=\"%d\" y=\"24\">Search</text>\n", width - XPAD - 100);
	fprintf(f, "<text id=\"matched\" class=\"hide\" x=\"%d\" y=\"%d\"> </text>\n",
		width - XPAD - 100, w.height - 12);
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", XPAD, w.height - 12);
	fputs("<g id=\"frames\">\n", f);
	if (fg->nodes[0].total)
		err = walk(&w, true);
	fputs("</g>\n</svg>\n", f);
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
out:
	free(order);
	free(first);
	free(nchild);
	return err;
}
