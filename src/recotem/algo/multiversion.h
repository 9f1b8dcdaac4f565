// RECOTEM_MULTIVERSION: compiles a hot kernel once per x86-64 level
// (x86-64-v4: AVX-512, x86-64-v3: AVX2 + FMA, and the baseline) and picks
// the clone for the running CPU when the program loads (GCC function
// multi-versioning). A portable build (no -march) would otherwise run every
// vector loop as SSE2. `flatten` inlines the kernel's callees into each
// clone so they run on the clone's vector width too. Other compilers (the
// clang sanitizer build) get the plain function.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RECOTEM_MULTIVERSION \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), flatten))
#else
#define RECOTEM_MULTIVERSION
#endif
