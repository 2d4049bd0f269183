"""scikit-learn peer of `benchmarks/run hybrid`: TfidfVectorizer(sublinear_tf=True) on the raw text +
LogisticRegressionCV, on the spam example's own split (written by HybridBenchmark as train/val/test
.jsonl with "text" and "label").

Fits the vectorizer and LogisticRegressionCV (Cs=10, 5 stratified folds, scoring='neg_log_loss', the
folds choosing C) on train+val: the rows Regula fits on (train) and stops or combines on (val).
Writes test.proba (one line per test row: the probability of each class in `classes` order, tab
separated) and prints one key=value line; HybridBenchmark scores the probabilities with the same
accuracy/NLL/ECE code as Regula's validate stage.
"""
import argparse
import json
import os
import sys
import time


def read(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(row["label"])
    return texts, labels


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--classes", required=True, help="comma-separated label names, in the store's order")
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegressionCV
        from sklearn.model_selection import StratifiedKFold
        import sklearn
    except ImportError as e:
        print("hybrid: the scikit-learn peer needs numpy and scikit-learn: %s" % e, file=sys.stderr)
        return 2
    classes = a.classes.split(",")
    tr_x, tr_y = read(os.path.join(a.dir, "train.jsonl"))
    va_x, va_y = read(os.path.join(a.dir, "val.jsonl"))
    te_x, te_y = read(os.path.join(a.dir, "test.jsonl"))
    x_fit, y_fit = tr_x + va_x, np.array([classes.index(y) for y in tr_y + va_y])
    t0 = time.time()
    vec = TfidfVectorizer(sublinear_tf=True)
    xf = vec.fit_transform(x_fit)
    lr = LogisticRegressionCV(Cs=10, cv=StratifiedKFold(5, shuffle=True, random_state=a.seed),
                              scoring="neg_log_loss", max_iter=2000, random_state=a.seed)
    lr.fit(xf, y_fit)
    fit_s = time.time() - t0
    proba = lr.predict_proba(vec.transform(te_x))
    # predict_proba's columns follow lr.classes_ (the label indices present); map them to `classes` order.
    full = np.zeros((len(te_x), len(classes)))
    for j, c in enumerate(lr.classes_):
        full[:, int(c)] = proba[:, j]
    with open(os.path.join(a.dir, "test.proba"), "w", encoding="utf-8") as f:
        for row in full:
            f.write("\t".join("%.17g" % v for v in row) + "\n")
    print("sklearn=%s vocabulary=%d C=%.6g fit_s=%.1f rows_fit=%d rows_test=%d"
          % (sklearn.__version__, len(vec.vocabulary_), float(lr.C_[0]), fit_s, len(x_fit), len(te_x)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
