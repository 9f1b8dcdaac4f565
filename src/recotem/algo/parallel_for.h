// ParallelFor: the one way algorithms and the evaluator spread a loop over
// threads. Work is handed out in chunks from an atomic counter (dynamic
// scheduling, so skewed rows balance); the caller works too, helped by
// threads of a process-wide pool that is started on first use and kept (an
// IALS fit issues dozens of short loops). The first exception thrown by any
// chunk is rethrown on the caller's thread once every helper has finished.
// Concurrent calls from different threads are fine; a call from inside a
// loop body runs inline.
#pragma once

#include <cstdint>
#include <functional>

namespace recotem {

// The thread count used when a caller passes 0: SetDefaultThreadCount()'s
// value if set, else std::thread::hardware_concurrency() (at least 1).
int DefaultThreadCount();
// Overrides DefaultThreadCount() for the process (0 restores the hardware
// default). Thread-safe.
void SetDefaultThreadCount(int n_threads);
// `requested` if positive, else DefaultThreadCount().
int ResolveThreadCount(int requested);

// Calls fn(begin, end, worker) for consecutive chunks [begin, end) of at
// most `chunk` indices covering [0, n), on min(ResolveThreadCount(n_threads),
// number of chunks) threads; `worker` is in [0, that count) and identifies
// the calling thread (for per-thread scratch buffers). With one worker the
// loop runs on the caller's thread.
void ParallelFor(int64_t n, int64_t chunk, int n_threads,
                 const std::function<void(int64_t begin, int64_t end, int worker)>& fn);

// The number of workers ParallelFor(n, chunk, n_threads, …) will use.
int ParallelWorkers(int64_t n, int64_t chunk, int n_threads);

}  // namespace recotem
