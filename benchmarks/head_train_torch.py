"""PyTorch peer of `benchmarks/run head-train`: the same MLP head, optimizer and batches as Regula's
HeadTrainer, timed the same way (see torch_peer.py for the store format and the timing rule).
Started by dev.regula.benchmarks.HeadTrainBenchmark once per round; prints one `key=value` line.
"""
import argparse

import torch_peer


def main():
    p = argparse.ArgumentParser()
    torch_peer.add_store_arguments(p, warmup=50, steps=500)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--input-dropout", type=float, default=0.2)
    p.add_argument("--dropout", type=float, default=0.5)
    a = p.parse_args()
    torch = torch_peer.start_torch("head_train_torch.py", a.threads, a.seed)
    from torch import nn
    x_all, y_all = torch_peer.load_split(torch, a)

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
    last = {}

    def step(xb, yb):
        loss = loss_fn(model(xb), yb)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        last["loss"] = loss.item()  # Regula reads each batch's loss back too

    timed, seconds, cpu_seconds = torch_peer.timed_steps(torch, a, x_all, y_all, step)
    print(f"torch={torch.__version__} threads={torch.get_num_threads()} timed_steps={timed} "
          f"seconds={seconds:.6f} steps_per_s={timed / seconds:.3f} step_ms={1000 * seconds / timed:.4f} "
          f"cpu_step_ms={1000 * cpu_seconds / timed:.4f} "
          f"final_loss={last['loss']:.5f}")


if __name__ == "__main__":
    main()
