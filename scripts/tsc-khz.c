// SPDX-License-Identifier: GPL-2.0
/*
 * The host's TSC frequency in kHz, measured against CLOCK_MONOTONIC_RAW
 * over 200 ms.  scripts/vm-run passes it to the guest as tsc_early_khz=:
 * under qemu TCG the guest's TSC is the host's, and a guest that had to
 * calibrate it against the emulated PIT failed now and then on a busy host
 * ("Unable to calibrate against PIT"), marked it unstable and ran on the
 * 4 ms jiffies clock.
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>
int main(void)
{
	struct timespec a, b;
	unsigned long long t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = __rdtsc();
	do {
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
		ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	} while (ns < 2e8);
	t1 = __rdtsc();
	printf("%.0f\n", (t1 - t0) / ns * 1e6);
	return 0;
}
