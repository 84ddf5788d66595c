"""Reading and scaling samples: the quickstart's preprocessing module.

A sample is a 2-D point. It comes either as a row `x,y,label` of a CSV table (the data the
example ships as span-1) or as a collected sample file `<label>_<n>.json` holding
`{"x": ..., "y": ...}`, copied into a span as it is (`format: copy`).
"""

import csv
import json
import os

VERSION = "1"


def read_table(path):
    """Rows of a CSV table with columns x, y, label, as (x, y, label)."""
    with open(path, newline="") as f:
        return [(float(r["x"]), float(r["y"]), r["label"]) for r in csv.DictReader(f)]


def read_sample(path):
    """The point in a sample file, as (x, y); raises ValueError if it is not one."""
    with open(path) as f:
        data = json.load(f)
    try:
        return float(data["x"]), float(data["y"])
    except (TypeError, KeyError) as e:
        raise ValueError(f"not a sample: {e!r}") from None


def label_of(path):
    """The true label of a collected sample: its file name up to the first `_`."""
    return os.path.basename(path).split("_", 1)[0]


def read_folder(folder):
    """Every labelled point in a span's `train/` or `test/` folder, in file-name order."""
    points = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".csv"):
            points.extend(read_table(path))
        elif name.endswith(".json") and "_" in name:
            points.append((*read_sample(path), label_of(path)))
    return points


def fit_scaler(points):
    """Per-axis mean and standard deviation of (x, y, ...) points."""
    n = len(points)
    scaler = []
    for axis in (0, 1):
        mean = sum(p[axis] for p in points) / n
        var = sum((p[axis] - mean) ** 2 for p in points) / n
        scaler.append([mean, var ** 0.5 or 1.0])
    return scaler


def scale(scaler, point):
    """The point standardised with `scaler`."""
    return [(point[axis] - scaler[axis][0]) / scaler[axis][1] for axis in (0, 1)]
