"""PyTorch peer of `benchmarks/run multi-head`: K heads of a 384-H-C MLP trained as one stacked
computation, as Regula's StackedTrainer does: the first layer is one GEMM of the shared batch
against all heads' weights [d, K*H], the second a bmm over the head axis [K, H, C]; ReLU, dropout
after the hidden layer (a mask per head), cross-entropy per head (mean over the batch) summed over
heads, AdamW (decay on the weights only). Timed as head_train_torch.py is (see torch_peer.py).
Started by dev.regula.benchmarks.MultiHeadRace once per round and K; prints one `key=value` line.
"""
import argparse
import math

import torch_peer


def main():
    p = argparse.ArgumentParser()
    torch_peer.add_store_arguments(p, warmup=30, steps=200)
    p.add_argument("--heads", type=int, required=True)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--dropout", type=float, default=0.2)
    a = p.parse_args()
    torch = torch_peer.start_torch("multi_head_torch.py", a.threads, a.seed)
    import torch.nn.functional as F
    x_all, y_all = torch_peer.load_split(torch, a)

    k, d, h, c = a.heads, a.dim, a.hidden, a.classes
    b1 = 1 / math.sqrt(d)
    b2 = 1 / math.sqrt(h)
    w1 = torch.empty(d, k * h).uniform_(-b1, b1).requires_grad_()
    bias1 = torch.zeros(k * h, requires_grad=True)
    w2 = torch.empty(k, h, c).uniform_(-b2, b2).requires_grad_()
    bias2 = torch.zeros(k, 1, c, requires_grad=True)
    opt = torch.optim.AdamW([{"params": [w1, w2], "weight_decay": a.weight_decay},
                             {"params": [bias1, bias2], "weight_decay": 0.0}], lr=a.lr)
    last = {}

    def step(xb, yb):
        hid = (xb @ w1 + bias1).view(-1, k, h).transpose(0, 1)  # [K, B, H]
        hid = F.dropout(F.relu(hid), a.dropout, training=True)
        logits = torch.bmm(hid, w2) + bias2  # [K, B, C]
        per_head = F.cross_entropy(logits.reshape(-1, c), yb.repeat(k), reduction="none").view(k, -1).mean(1)
        loss = per_head.sum()
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        per_head.tolist()  # Regula reads each head's batch loss back too
        last["loss"] = loss.item()

    timed, seconds, cpu_seconds = torch_peer.timed_steps(torch, a, x_all, y_all, step)
    print(f"torch={torch.__version__} heads={k} threads={torch.get_num_threads()} timed_steps={timed} "
          f"step_ms={1000 * seconds / timed:.4f} cpu_step_ms={1000 * cpu_seconds / timed:.4f} "
          f"final_loss={last['loss'] / k:.5f}")


if __name__ == "__main__":
    main()
