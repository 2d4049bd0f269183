"""PyTorch peer of `benchmarks/run multi-head`: K heads of a 384-H-C MLP trained as one stacked
computation, as Regula's StackedTrainer does: the first layer is one GEMM of the shared batch
against all heads' weights [d, K*H], the second a bmm over the head axis [K, H, C]; ReLU, dropout
after the hidden layer (a mask per head), cross-entropy per head (mean over the batch) summed over
heads, AdamW (decay on the weights only). Started by dev.regula.benchmarks.MultiHeadRace once per
round and K; prints one `key=value` line.

Reads a Regula feature store split directly: <split>.f32 is float32 little-endian row-major
[rows, dim], <split>.labels.i32 int32 little-endian [rows] (see FeatureStore.java).

Timing rule (the same as the Java side and head_train_torch.py): the clock is read after every
optimizer step; the steps timed are warmup+1 .. warmup+steps, except the first step of each epoch.
"""
import argparse
import math
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--features", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--classes", type=int, required=True)
    p.add_argument("--heads", type=int, required=True)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    global np, torch
    try:
        import numpy as np
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        sys.exit(f"multi_head_torch.py: cannot import {e.name}: install Debian's python3-torch "
                 f"(apt-get install -y python3-torch libopenblas0-pthread) and run with /usr/bin/python3 -s")
    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(a.seed)

    x_np = np.fromfile(a.features, dtype="<f4")
    y_np = np.fromfile(a.labels, dtype="<i4")
    if x_np.size != a.rows * a.dim or y_np.size != a.rows:
        sys.exit(f"{a.features}: expected {a.rows}x{a.dim} floats and {a.rows} labels")
    x_all = torch.from_numpy(x_np.reshape(a.rows, a.dim).copy())
    y_all = torch.from_numpy(y_np.astype(np.int64))

    k, d, h, c = a.heads, a.dim, a.hidden, a.classes
    b1 = 1 / math.sqrt(d)
    b2 = 1 / math.sqrt(h)
    w1 = torch.empty(d, k * h).uniform_(-b1, b1).requires_grad_()
    bias1 = torch.zeros(k * h, requires_grad=True)
    w2 = torch.empty(k, h, c).uniform_(-b2, b2).requires_grad_()
    bias2 = torch.zeros(k, 1, c, requires_grad=True)
    opt = torch.optim.AdamW([{"params": [w1, w2], "weight_decay": a.weight_decay},
                             {"params": [bias1, bias2], "weight_decay": 0.0}], lr=a.lr)

    def loss_of(xb, yb):
        hid = (xb @ w1 + bias1).view(-1, k, h).transpose(0, 1)  # [K, B, H]
        hid = F.dropout(F.relu(hid), a.dropout, training=True)
        logits = torch.bmm(hid, w2) + bias2  # [K, B, C]
        per_head = F.cross_entropy(logits.reshape(-1, c), yb.repeat(k), reduction="none").view(k, -1).mean(1)
        return per_head.sum(), per_head

    total = a.warmup + a.steps
    steps_per_epoch = (a.rows + a.batch - 1) // a.batch
    stamps = [0.0] * (total + 1)
    cpu = [0.0] * (total + 1)
    gen = torch.Generator().manual_seed(a.seed)
    step = 0
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
            loss, per_head = loss_of(xb, yb)
            opt.zero_grad(set_to_none=False)
            loss.backward()
            opt.step()
            per_head.tolist()  # Regula reads each head's batch loss back too
            step += 1
            stamps[step] = time.perf_counter()
            cpu[step] = time.thread_time()

    timed, seconds, cpu_seconds = 0, 0.0, 0.0
    for s in range(a.warmup + 1, total + 1):
        if (s - 1) % steps_per_epoch == 0:
            continue
        timed += 1
        seconds += stamps[s] - stamps[s - 1]
        cpu_seconds += cpu[s] - cpu[s - 1]
    print(f"torch={torch.__version__} heads={k} threads={torch.get_num_threads()} timed_steps={timed} "
          f"step_ms={1000 * seconds / timed:.4f} cpu_step_ms={1000 * cpu_seconds / timed:.4f} "
          f"final_loss={loss.item() / k:.5f}")


if __name__ == "__main__":
    main()
