"""scikit-learn peer of `benchmarks/run tune-linear`: LogisticRegressionCV(Cs=30, cv=5 folds,
scoring='neg_log_loss') on the same Regula feature store and the same folds as Regula's tune.

Reads <split>.f32 (float32 little-endian row-major [rows, dim]) and <split>.labels.i32 of a Regula
feature store, and folds.i32 (the fold that holds out each train+val row, train rows first) written
by TuneLinearBenchmark. Fits on train+val, scores the refit model on test, prints one key=value line.
"""
import argparse
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--store", required=True)
    p.add_argument("--folds", required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--cs", type=int, default=30)
    a = p.parse_args()
    # One BLAS thread per job, as Regula runs one solver per thread.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        import numpy as np
        from sklearn.linear_model import LogisticRegressionCV
        from sklearn.metrics import log_loss, accuracy_score
        from sklearn.model_selection import PredefinedSplit
    except ImportError as e:
        sys.exit(f"tune_linear_sklearn.py: cannot import {e.name}: install Debian's python3-sklearn "
                 f"(apt-get install -y python3-sklearn) and run with /usr/bin/python3 -s")

    def split(name):
        x = np.fromfile(os.path.join(a.store, name + ".f32"), dtype="<f4").reshape(-1, a.dim)
        y = np.fromfile(os.path.join(a.store, name + ".labels.i32"), dtype="<i4")
        return x.astype(np.float64), y

    xtr, ytr = split("train")
    xva, yva = split("val")
    xte, yte = split("test")
    x = np.concatenate([xtr, xva])
    y = np.concatenate([ytr, yva])
    folds = np.fromfile(a.folds, dtype="<i4")
    assert len(folds) == len(y), (len(folds), len(y))
    model = LogisticRegressionCV(Cs=a.cs, cv=PredefinedSplit(folds), scoring="neg_log_loss", n_jobs=a.threads)
    t0 = time.perf_counter()
    model.fit(x, y)
    seconds = time.perf_counter() - t0
    proba = model.predict_proba(xte)
    c = float(model.C_[0])
    print(f"sklearn_C={c:.6g} sklearn_l2_equiv={1.0 / (c * len(y)):.6g} "
          f"sklearn_test_nll={log_loss(yte, proba):.6f} sklearn_test_acc={accuracy_score(yte, proba.argmax(1)):.4f} "
          f"sklearn_seconds={seconds:.3f} sklearn_version={__import__('sklearn').__version__}")


if __name__ == "__main__":
    main()
