/* 10,000 online updates of the post's 2-2-2 network, written out in C: the floor.
   Prints the seconds taken (clock_gettime around the loop) and the final error. */
#include <math.h>
#include <stdio.h>
#include <time.h>

static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }

int main(int argc, char **argv) {
    int n = 10000;
    if (argc > 1) sscanf(argv[1], "%d", &n);
    double w[8] = {0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};
    const double b1 = 0.35, b2 = 0.60, i1 = 0.05, i2 = 0.10, t1 = 0.01, t2 = 0.99, eta = 0.5;
    struct timespec a, z;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int k = 0; k < n; k++) {
        double h1 = sig(w[0] * i1 + w[1] * i2 + b1), h2 = sig(w[2] * i1 + w[3] * i2 + b1);
        double o1 = sig(w[4] * h1 + w[5] * h2 + b2), o2 = sig(w[6] * h1 + w[7] * h2 + b2);
        double d1 = (o1 - t1) * o1 * (1 - o1), d2 = (o2 - t2) * o2 * (1 - o2);
        double e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1), e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2);
        w[4] -= eta * d1 * h1; w[5] -= eta * d1 * h2; w[6] -= eta * d2 * h1; w[7] -= eta * d2 * h2;
        w[0] -= eta * e1 * i1; w[1] -= eta * e1 * i2; w[2] -= eta * e2 * i1; w[3] -= eta * e2 * i2;
    }
    clock_gettime(CLOCK_MONOTONIC, &z);
    double h1 = sig(w[0] * i1 + w[1] * i2 + b1), h2 = sig(w[2] * i1 + w[3] * i2 + b1);
    double o1 = sig(w[4] * h1 + w[5] * h2 + b2), o2 = sig(w[6] * h1 + w[7] * h2 + b2);
    printf("%.9f %.12e\n", (z.tv_sec - a.tv_sec) + (z.tv_nsec - a.tv_nsec) * 1e-9,
           0.5 * (t1 - o1) * (t1 - o1) + 0.5 * (t2 - o2) * (t2 - o2));
    return 0;
}
