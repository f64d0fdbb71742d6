// fma_probe: the machine's fp32 FMA throughput per core, the "peak" the benchmarks
// compare against. Each thread runs independent chains of vector FMAs (enough of them
// to cover the FMA latency on every port) and the probe prints GFLOP/s: over all of
// SECONDS, and the median and the best of SLICES equal slices of it.
//
//   fma_probe WIDTH THREADS SECONDS [SLICES]     (WIDTH: 8 for AVX2, 16 for AVX-512)
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

// One job per thread per slice; the slices are separated by barriers so that every slice times
// all threads working together. The main thread is one of them and takes the times: a
// timer thread of its own would compete with the workers for the cores and read its
// clock late.
struct Job {
  int width;
  long iterations;
  int slices;
  pthread_barrier_t *barrier;
  float sink;
};

static float run(int width, long iterations) {
  return width == 16 ? run512(iterations) : run256(iterations);
}

static void *work(void *arg) {
  struct Job *job = arg;
  job->sink = 0;
  for (int s = 0; s < job->slices; ++s) {
    pthread_barrier_wait(job->barrier);
    job->sink += run(job->width, job->iterations);
    pthread_barrier_wait(job->barrier);
  }
  return NULL;
}

// FLOPs of one job: 2 per lane per FMA.
static double flops(int width, long iterations) {
  return 2.0 * width * kChains * kInner * (double)iterations;
}

static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: fma_probe WIDTH(8|16) THREADS SECONDS [SLICES]\n");
    return 2;
  }
  int width = atoi(argv[1]), threads = atoi(argv[2]);
  double seconds = atof(argv[3]);
  int slices = argc == 5 ? atoi(argv[4]) : 1;
  if ((width != 8 && width != 16) || threads < 1 || threads > 256 || seconds <= 0 ||
      slices < 1 || slices > 100000) {
    fprintf(stderr, "fma_probe: error: bad arguments\n");
    return 2;
  }
  if (width == 16 && !__builtin_cpu_supports("avx512f")) {
    fprintf(stderr, "fma_probe: error: this CPU has no AVX-512\n");
    return 1;
  }
  // Calibrate at the width measured: iterations for one slice.
  double start = now();
  run(width, 10);
  double perIteration = (now() - start) / 10 + 1e-9;
  long iterations = (long)(seconds / slices / perIteration);
  if (iterations < 1)
    iterations = 1;

  pthread_t ids[256];
  struct Job jobs[256];
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, threads);
  for (int t = 1; t < threads; ++t) {
    jobs[t] = (struct Job){width, iterations, slices, &barrier, 0};
    pthread_create(&ids[t], NULL, work, &jobs[t]);
  }
  double *rates = malloc(sizeof(double) * slices);
  double total = 0;
  float sink = 0;
  for (int s = 0; s < slices; ++s) {
    pthread_barrier_wait(&barrier);
    start = now();
    sink += run(width, iterations);
    pthread_barrier_wait(&barrier);
    double elapsed = now() - start;
    total += elapsed;
    rates[s] = threads * flops(width, iterations) / elapsed / 1e9;
  }
  for (int t = 1; t < threads; ++t) {
    pthread_join(ids[t], NULL);
    sink += jobs[t].sink;
  }
  pthread_barrier_destroy(&barrier);
  // The mean over all slices, then the median and the best slice: the same statistics a
  // model's --repeat runs report, so a case of that many runs of that length compares
  // like with like.
  double mean = slices * threads * flops(width, iterations) / total / 1e9;
  qsort(rates, slices, sizeof(double), ascending);
  double median = slices % 2 ? rates[slices / 2]
                             : (rates[slices / 2 - 1] + rates[slices / 2]) / 2;
  printf("gflops=%.2f median=%.2f max=%.2f sink=%g\n", mean, median, rates[slices - 1], sink);
  free(rates);
  return 0;
}
