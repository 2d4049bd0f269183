"""PyTorch peer of `benchmarks/run head-train`: the same MLP head, optimizer and batches as Regula's
HeadTrainer, timed the same way. Started by dev.regula.benchmarks.HeadTrainBenchmark once per round;
prints one `key=value` line.

Reads a Regula feature store split directly: <split>.f32 is float32 little-endian row-major
[rows, dim], <split>.labels.i32 int32 little-endian [rows] (see FeatureStore.java).

Timing rule (the same as the Java side): the clock is read after every optimizer step; the steps
timed are warmup+1 .. warmup+steps, except the first step of each epoch (on the Regula side that
interval also holds the per-epoch evaluation and the shuffle), so both sides time
gather + forward + loss + backward + update of one batch. The thread's CPU time is read at the
same points (time.thread_time; with one thread all the work runs on this thread), which other
processes on the machine disturb much less than the wall clock.
"""
import argparse
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--features", required=True, help="<split>.f32 of a Regula feature store")
    p.add_argument("--labels", required=True, help="<split>.labels.i32 of a Regula feature store")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--classes", type=int, required=True)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--input-dropout", type=float, default=0.2)
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    # Debian's torch does its matrix products in the system BLAS (OpenBLAS), whose own thread pool
    # ignores torch.set_num_threads and starts one thread per core: cap it before it loads.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    global np, torch, nn
    try:
        import numpy as np
        import torch
        from torch import nn
    except ImportError as e:  # the run script installs python3-torch; this is the message if that failed
        sys.exit(f"head_train_torch.py: cannot import {e.name}: install Debian's python3-torch "
                 f"(apt-get install -y python3-torch libopenblas0-pthread) and run with /usr/bin/python3 -s")

    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # only settable before the first parallel work; nothing has run yet, so this is not expected
    torch.manual_seed(a.seed)

    x_np = np.fromfile(a.features, dtype="<f4")
    y_np = np.fromfile(a.labels, dtype="<i4")
    if x_np.size != a.rows * a.dim or y_np.size != a.rows:
        sys.exit(f"{a.features}: expected {a.rows}x{a.dim} floats and {a.rows} labels, "
                 f"found {x_np.size} floats and {y_np.size} labels")
    x_all = torch.from_numpy(x_np.reshape(a.rows, a.dim).copy())
    y_all = torch.from_numpy(y_np.astype(np.int64))

    model = nn.Sequential(
        nn.Dropout(a.input_dropout),
        nn.Linear(a.dim, a.hidden),
        nn.ReLU(),
        nn.Dropout(a.dropout),
        nn.Linear(a.hidden, a.classes),
    )
    model.train()
    # Regula decays weights only (include_bias false), so the biases get no decay here either.
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    biases = [m.bias for m in model if isinstance(m, nn.Linear)]
    opt = torch.optim.AdamW([{"params": weights, "weight_decay": a.weight_decay},
                             {"params": biases, "weight_decay": 0.0}], lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()

    total = a.warmup + a.steps
    steps_per_epoch = (a.rows + a.batch - 1) // a.batch
    stamps = [0.0] * (total + 1)
    cpu = [0.0] * (total + 1)
    gen = torch.Generator().manual_seed(a.seed)
    step = 0
    objective = 0.0
    stamps[0] = time.perf_counter()
    cpu[0] = time.thread_time()
    while step < total:
        order = torch.randperm(a.rows, generator=gen)
        for s in range(steps_per_epoch):
            if step >= total:
                break
            idx = order[s * a.batch:(s + 1) * a.batch]
            xb = x_all.index_select(0, idx)
            yb = y_all.index_select(0, idx)
            loss = loss_fn(model(xb), yb)
            opt.zero_grad(set_to_none=False)
            loss.backward()
            opt.step()
            objective += loss.item() * idx.numel()  # Regula reads each batch's loss back too
            step += 1
            stamps[step] = time.perf_counter()
            cpu[step] = time.thread_time()

    timed, seconds, cpu_seconds = 0, 0.0, 0.0
    for k in range(a.warmup + 1, total + 1):
        if (k - 1) % steps_per_epoch == 0:
            continue
        timed += 1
        seconds += stamps[k] - stamps[k - 1]
        cpu_seconds += cpu[k] - cpu[k - 1]
    print(f"torch={torch.__version__} threads={torch.get_num_threads()} timed_steps={timed} "
          f"seconds={seconds:.6f} steps_per_s={timed / seconds:.3f} step_ms={1000 * seconds / timed:.4f} "
          f"cpu_step_ms={1000 * cpu_seconds / timed:.4f} "
          f"final_loss={loss.item():.5f}")


if __name__ == "__main__":
    main()
