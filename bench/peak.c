/* Double-precision FMA throughput of this machine: the peak the GEMM numbers are compared with.
 * Independent FMA chains (more than latency x ports), no memory traffic; 1 and 2 threads.
 * Built and run by bench/run when gcc is present. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define ROUNDS 50000000L

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define CHAINS(T, SET, FMA)                                                            \
    T b = SET(1.0000001), c = SET(1e-9);                                               \
    T a0 = SET(0), a1 = SET(1), a2 = SET(2), a3 = SET(3), a4 = SET(4), a5 = SET(5);    \
    T a6 = SET(6), a7 = SET(7), a8 = SET(8), a9 = SET(9), a10 = SET(10), a11 = SET(11); \
    for (long k = 0; k < ROUNDS; k++) {                                                \
        a0 = FMA(a0, b, c); a1 = FMA(a1, b, c); a2 = FMA(a2, b, c);                    \
        a3 = FMA(a3, b, c); a4 = FMA(a4, b, c); a5 = FMA(a5, b, c);                    \
        a6 = FMA(a6, b, c); a7 = FMA(a7, b, c); a8 = FMA(a8, b, c);                    \
        a9 = FMA(a9, b, c); a10 = FMA(a10, b, c); a11 = FMA(a11, b, c);                \
    }                                                                                  \
    T s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;                 \
    *(double *) p = s[0];

__attribute__((target("avx2,fma"))) static void *fma256(void *p) { CHAINS(__m256d, _mm256_set1_pd, _mm256_fmadd_pd) return 0; }
__attribute__((target("avx512f"))) static void *fma512(void *p) { CHAINS(__m512d, _mm512_set1_pd, _mm512_fmadd_pd) return 0; }

static void measure(const char *name, void *(*body)(void *), int width, int threads) {
    pthread_t t[2];
    double sink[2];
    double start = now();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], 0, body, &sink[i]);
    for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
    double flops = (double) threads * ROUNDS * 12 * width * 2;
    printf("peak %s FMA, %d thread(s): %.1f GFLOP/s\n", name, threads, flops / (now() - start) / 1e9);
}

int main(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        measure("AVX2 (256-bit)", fma256, 4, 1);
        measure("AVX2 (256-bit)", fma256, 4, 2);
    }
    if (__builtin_cpu_supports("avx512f")) {
        measure("AVX-512 (512-bit)", fma512, 8, 1);
        measure("AVX-512 (512-bit)", fma512, 8, 2);
    }
    return 0;
}
