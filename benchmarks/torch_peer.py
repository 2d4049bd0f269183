"""What the PyTorch peers of Regula's head benchmarks share: thread set-up, reading a feature store
split, and the timing loop. Imported by head_train_torch.py and multi_head_torch.py, which only
say what one step computes.

Reads a Regula feature store split directly: <split>.f32 is float32 little-endian row-major
[rows, dim], <split>.labels.i32 int32 little-endian [rows] (see FeatureStore.java).

Timing rule (the same as the Java side): the clock is read after every optimizer step; the steps
timed are warmup+1 .. warmup+steps, except the first step of each epoch (on the Regula side that
interval also holds the per-epoch evaluation and the shuffle), so both sides time
gather + forward + loss + backward + update of one batch. The thread's CPU time is read at the
same points (time.thread_time; with one thread all the work runs on this thread), which other
processes on the machine disturb much less than the wall clock.
"""
import os
import sys
import time


def add_store_arguments(p, warmup, steps):
    """The options every head peer takes: the store split, its shape, batching, timing and seed."""
    p.add_argument("--features", required=True, help="<split>.f32 of a Regula feature store")
    p.add_argument("--labels", required=True, help="<split>.labels.i32 of a Regula feature store")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--classes", type=int, required=True)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=warmup)
    p.add_argument("--steps", type=int, default=steps)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--seed", type=int, default=42)


def start_torch(script, threads, seed):
    """Imports torch with `threads` BLAS and intra-op threads and one inter-op thread; returns it."""
    # Debian's torch does its matrix products in the system BLAS (OpenBLAS), whose own thread pool
    # ignores torch.set_num_threads and starts one thread per core: cap it before it loads.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    try:
        import numpy  # noqa: F401 (torch.from_numpy needs it; fail here with the install hint)
        import torch
    except ImportError as e:  # the run script installs python3-torch; this is the message if that failed
        sys.exit(f"{script}: cannot import {e.name}: install Debian's python3-torch "
                 f"(apt-get install -y python3-torch libopenblas0-pthread) and run with /usr/bin/python3 -s")
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # only settable before the first parallel work; nothing has run yet, so this is not expected
    torch.manual_seed(seed)
    return torch


def load_split(torch, a):
    """The split's features [rows, dim] float32 and labels [rows] int64, checked against --rows/--dim."""
    import numpy as np
    x_np = np.fromfile(a.features, dtype="<f4")
    y_np = np.fromfile(a.labels, dtype="<i4")
    if x_np.size != a.rows * a.dim or y_np.size != a.rows:
        sys.exit(f"{a.features}: expected {a.rows}x{a.dim} floats and {a.rows} labels, "
                 f"found {x_np.size} floats and {y_np.size} labels")
    return torch.from_numpy(x_np.reshape(a.rows, a.dim).copy()), torch.from_numpy(y_np.astype(np.int64))


def timed_steps(torch, a, x_all, y_all, step):
    """Runs warmup+steps optimizer steps over shuffled batches, `step(xb, yb)` doing one of them, and
    returns (timed steps, wall seconds, thread CPU seconds) under the timing rule above."""
    total = a.warmup + a.steps
    steps_per_epoch = (a.rows + a.batch - 1) // a.batch
    stamps = [0.0] * (total + 1)
    cpu = [0.0] * (total + 1)
    gen = torch.Generator().manual_seed(a.seed)
    done = 0
    stamps[0] = time.perf_counter()
    cpu[0] = time.thread_time()
    while done < total:
        order = torch.randperm(a.rows, generator=gen)
        for s in range(steps_per_epoch):
            if done >= total:
                break
            idx = order[s * a.batch:(s + 1) * a.batch]
            step(x_all.index_select(0, idx), y_all.index_select(0, idx))
            done += 1
            stamps[done] = time.perf_counter()
            cpu[done] = time.thread_time()

    timed, seconds, cpu_seconds = 0, 0.0, 0.0
    for k in range(a.warmup + 1, total + 1):
        if (k - 1) % steps_per_epoch == 0:
            continue
        timed += 1
        seconds += stamps[k] - stamps[k - 1]
        cpu_seconds += cpu[k] - cpu[k - 1]
    return timed, seconds, cpu_seconds
