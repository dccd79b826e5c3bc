/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for the uprobe and symbolization tests: a few exported and static
 * functions with known names.
 *
 *   symtarget            calls each function once and exits 0
 *   symtarget --wait     prints "name 0xADDR" for each function (runtime
 *                        addresses, the last one in libc), then "ready",
 *                        and sleeps until killed
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, used))

/* volatile keeps the compiler from folding or inlining the calls */
volatile int symtarget_sink;

NOINLINE int symtarget_alpha(int x)
{
	symtarget_sink += x;
	return symtarget_sink * 3 + 1;
}

NOINLINE int symtarget_beta(int x)
{
	symtarget_sink ^= x;
	return symtarget_sink - 7;
}

NOINLINE static int symtarget_gamma(int x)
{
	symtarget_sink -= x;
	return symtarget_sink + 11;
}

int main(int argc, char **argv)
{
	int (*volatile fns[])(int) = { symtarget_alpha, symtarget_beta,
				       symtarget_gamma };
	int i;

	for (i = 0; i < 3; i++)
		fns[i](i);
	if (argc < 2 || strcmp(argv[1], "--wait"))
		return 0;
	printf("symtarget_alpha %p\n", (void *)symtarget_alpha);
	printf("symtarget_beta %p\n", (void *)symtarget_beta);
	printf("symtarget_gamma %p\n", (void *)symtarget_gamma);
	printf("getppid %p\n", (void *)getppid);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
