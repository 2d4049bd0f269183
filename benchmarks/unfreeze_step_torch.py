"""PyTorch peer of `benchmarks/run unfreeze-step`: one forward and backward step through the last
encoder layer of all-MiniLM-L6-v2, mean pooling over the mask, L2 normalization and a linear 2-class
head with cross-entropy, on the same deterministic batch as the Java side. The layer's weights are
the ONNX model's initializers (read with Debian's python3-onnx), found through the node names of
that layer. Started by dev.regula.benchmarks.UnfreezeStepBenchmark once per round; prints the loss
of the first step (both sides must agree) and one `key=value` line.
"""
import argparse
import math
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, help="all-minilm-l6-v2.onnx")
    p.add_argument("--layer", default="/encoder/layer.5/", help="node-name prefix of the layer")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--tokens", type=int, default=128)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, required=True)
    a = p.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    try:
        import numpy as np
        import onnx
        from onnx import numpy_helper
        import torch
    except ImportError as e:
        sys.exit(f"unfreeze_step_torch.py: cannot import {e.name}: install Debian's python3-torch and python3-onnx")
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)

    g = onnx.load(a.model).graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    nodes = {n.name: n for n in g.node}
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in g.node if n.op_type == "Constant"}

    def init(node, k):
        n = nodes[a.layer + node]
        name = n.input[k]
        return torch.nn.Parameter(torch.from_numpy(np.array(inits[name], dtype=np.float32)))

    def dense(path):  # MatMul weight [in, out] (x @ W) and the Add's bias (input 0, as the export writes it)
        return init(path + "/MatMul", 1), init(path + "/Add", 0)

    def norm(path):
        eps = float(consts[nodes[a.layer + path + "/Add"].input[1]])
        return init(path + "/Mul", 1), init(path + "/Add_1", 1), eps

    wq, bq = dense("attention/self/query")
    wk, bk = dense("attention/self/key")
    wv, bv = dense("attention/self/value")
    wo, bo = dense("attention/output/dense")
    ln1 = norm("attention/output/LayerNorm")
    wi, bi = dense("intermediate/dense")
    wf, bf = dense("output/dense")
    ln2 = norm("output/LayerNorm")
    params = [wq, bq, wk, bk, wv, bv, wo, bo, ln1[0], ln1[1], wi, bi, wf, bf, ln2[0], ln2[1]]
    hidden_size = wq.shape[0]
    heads = 12
    head_dim = hidden_size // heads

    b, t = a.batch, a.tokens
    x = torch.from_numpy(np.sin(0.001 * np.arange(b * t * hidden_size)).astype(np.float32).reshape(b, t, hidden_size))
    lengths = [t if r % 2 == 0 else (t * 3) // 4 for r in range(b)]
    mask = torch.zeros(b, t, dtype=torch.int64)
    for r, n in enumerate(lengths):
        mask[r, :n] = 1
    labels = torch.tensor([r % 2 for r in range(b)])
    head_w = torch.nn.Parameter(torch.tensor([[0.5 * math.cos(j + c) for c in range(2)] for j in range(hidden_size)], dtype=torch.float32))
    head_b = torch.nn.Parameter(torch.zeros(2))

    def layer_norm(h, ln):
        return torch.nn.functional.layer_norm(h, (hidden_size,), ln[0], ln[1], ln[2])

    def step():
        for q in params + [head_w, head_b]:
            q.grad = None
        bias = (1.0 - mask[:, None, None, :].float()) * -10000.0
        q = (x @ wq + bq).view(b, t, heads, head_dim).transpose(1, 2)
        k = (x @ wk + bk).view(b, t, heads, head_dim).permute(0, 2, 3, 1)
        v = (x @ wv + bv).view(b, t, heads, head_dim).transpose(1, 2)
        probs = torch.softmax(q @ k / math.sqrt(head_dim) + bias, dim=-1)
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, hidden_size)
        h1 = layer_norm(ctx @ wo + bo + x, ln1)
        f = h1 @ wi + bi
        f = f * 0.5 * (1.0 + torch.erf(f / math.sqrt(2.0)))
        h2 = layer_norm(f @ wf + bf + h1, ln2)
        m = mask[:, :, None].float()
        pooled = (h2 * m).sum(1) / m.sum(1).clamp(min=1e-9)
        pooled = pooled / (pooled * pooled).sum(1, keepdim=True).clamp(min=1e-12).sqrt()
        loss = torch.nn.functional.cross_entropy(pooled @ head_w + head_b, labels)
        loss.backward()
        return float(loss)

    first = step()
    for _ in range(a.warmup - 1):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"torch_first_loss={first:.7f} torch_step_ms={1000 * times[len(times) // 2]:.2f} torch_min_ms={1000 * times[0]:.2f}"
          f" torch_version={torch.__version__} threads={a.threads}")


if __name__ == "__main__":
    main()
