// fma_probe: the machine's fp32 FMA throughput per core, the "peak" the benchmarks
// compare against. Each thread runs independent chains of vector FMAs (enough of them
// to cover the FMA latency on every port) and the probe prints GFLOP/s.
//
//   fma_probe WIDTH THREADS SECONDS     (WIDTH: 8 for AVX2, 16 for AVX-512)
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kChains = 12, kInner = 1000 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

struct Job {
  int width;
  long iterations;
  float sink;
};

__attribute__((target("avx2,fma"))) static float run256(long iterations) {
  __m256 acc[kChains];
  __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int c = 0; c < kChains; ++c)
    acc[c] = _mm256_set1_ps((float)c);
  for (long i = 0; i < iterations; ++i)
    for (int j = 0; j < kInner; ++j)
      for (int c = 0; c < kChains; ++c)
        acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  float sum = 0;
  for (int c = 0; c < kChains; ++c)
    sum += _mm256_cvtss_f32(acc[c]);
  return sum;
}

__attribute__((target("avx512f"))) static float run512(long iterations) {
  __m512 acc[kChains];
  __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int c = 0; c < kChains; ++c)
    acc[c] = _mm512_set1_ps((float)c);
  for (long i = 0; i < iterations; ++i)
    for (int j = 0; j < kInner; ++j)
      for (int c = 0; c < kChains; ++c)
        acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  float sum = 0;
  for (int c = 0; c < kChains; ++c)
    sum += _mm512_cvtss_f32(acc[c]);
  return sum;
}

static void *work(void *arg) {
  struct Job *job = arg;
  job->sink = job->width == 16 ? run512(job->iterations) : run256(job->iterations);
  return NULL;
}

// FLOPs of one job: 2 per lane per FMA.
static double flops(int width, long iterations) {
  return 2.0 * width * kChains * kInner * (double)iterations;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: fma_probe WIDTH(8|16) THREADS SECONDS\n");
    return 2;
  }
  int width = atoi(argv[1]), threads = atoi(argv[2]);
  double seconds = atof(argv[3]);
  if ((width != 8 && width != 16) || threads < 1 || threads > 256 || seconds <= 0) {
    fprintf(stderr, "fma_probe: error: bad arguments\n");
    return 2;
  }
  if (width == 16 && !__builtin_cpu_supports("avx512f")) {
    fprintf(stderr, "fma_probe: error: this CPU has no AVX-512\n");
    return 1;
  }
  // Calibrate on one thread: about 0.05 s.
  long iterations = 1000;
  double start = now();
  run256(10);
  iterations = (long)(0.05 / ((now() - start) / 10 + 1e-9)) + 1;
  iterations = (long)(iterations * seconds / 0.05);
  if (iterations < 1)
    iterations = 1;

  pthread_t ids[256];
  struct Job jobs[256];
  start = now();
  for (int t = 0; t < threads; ++t) {
    jobs[t].width = width;
    jobs[t].iterations = iterations;
    pthread_create(&ids[t], NULL, work, &jobs[t]);
  }
  float sink = 0;
  for (int t = 0; t < threads; ++t) {
    pthread_join(ids[t], NULL);
    sink += jobs[t].sink;
  }
  double elapsed = now() - start;
  printf("gflops=%.2f sink=%g\n", threads * flops(width, iterations) / elapsed / 1e9, sink);
  return 0;
}
