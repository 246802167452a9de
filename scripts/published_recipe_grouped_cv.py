#!/usr/bin/env python3
"""Grouped cross-validated R^2 of the published models' recipe, for comparison with `compat model train`.

The published models were fitted on every row, so they have no cross-validated R^2 of their own. This
script refits each published model's own term set (its one-hot columns and interaction products) by
ordinary least squares (numpy.linalg.lstsq, minimum-norm, as scikit-learn's LinearRegression) on the
training folds and predicts the held-out instance types, with the same folds as `compat model train`:
instance types (first two dot-separated parts of the row id) sorted and dealt round-robin into K folds
(default K = number of instance types: leave one instance type out). R^2 pools all out-of-fold
predictions. Needs numpy. Usage (from the package root):

    python3 scripts/published_recipe_grouped_cv.py [K]
"""

import csv
import gzip
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "hpcg-training")


def main():
    names = sorted(n[:-5] for n in os.listdir(os.path.join(ROOT, "models", "published")) if n.endswith(".json"))
    for name in names:
        with open(os.path.join(ROOT, "models", "published", name + ".json")) as f:
            model = json.load(f)
        with gzip.open(os.path.join(DATA, "features_hpcg_%s.csv.gz" % name), "rt") as f:
            rows = list(csv.reader(f))
        header, rows = rows[0], rows[1:]
        types = [".".join(row[0].split(".")[:2]) for row in rows]
        y = np.array([float(row[header.index("y_actual")]) for row in rows])
        labels = [dict(zip(header, row)) for row in rows]
        columns = np.array([[1.0 if l[f["input"]] == f["category"] else 0.0 for f in model["features"]] for l in labels])
        terms = np.array([[np.prod([c[i] for i in t["features"]]) for t in model["terms"]] for c in columns])
        ordered = sorted(set(types), key=lambda t: t.encode())
        k = int(sys.argv[1]) if len(sys.argv) > 1 else len(ordered)
        fold_of = {t: i % k for i, t in enumerate(ordered)}
        fold = np.array([fold_of[t] for t in types])
        out_of_fold = np.zeros(len(y))
        for held in range(k):
            train = fold != held
            design = np.hstack([terms[train], np.ones((train.sum(), 1))])
            solution = np.linalg.lstsq(design, y[train], rcond=None)[0]
            out_of_fold[~train] = terms[~train] @ solution[:-1] + solution[-1]
        r2 = 1 - ((y - out_of_fold) ** 2).sum() / ((y - y.mean()) ** 2).sum()
        print("%-40s grouped CV R2 %.4f (%d folds)" % (name, r2, k))


if __name__ == "__main__":
    main()
