#!/usr/bin/env python3
"""Writes a deterministic batch of collected samples, as a data collector would.

Each sample is a 2-D point of one of three classes (red, green, blue), drawn around its
class centre. `--drift` moves every centre by drift × (6, -6), as if the sensor that
measures the points had gone out of calibration: at 1 (the default) a model trained on
undrifted data gets about one sample in three right.

    # a batch folder of 60 files <label>_<n>.json for the Dataset's collection
    python3 tools/make_batch.py OUT_DIR [--count 60] [--drift 1] [--seed 1]
    # the shipped initial span (how data/ was made)
    python3 tools/make_batch.py --csv data/train/points.csv --count 150 --drift 0 --seed 100
    python3 tools/make_batch.py --csv data/test/points.csv --count 45 --drift 0 --seed 101

Same arguments, same bytes. Only the Python standard library is used.
"""

import argparse
import json
import os
import random

CENTRES = {"red": (0.0, 0.0), "green": (4.0, 0.0), "blue": (2.0, 3.5)}
SPREAD = 0.7
DRIFT = (6.0, -6.0)


def samples(count, drift, seed):
    """`count` (label, x, y) samples, classes in turn, drawn with `random.Random(seed)`."""
    rng = random.Random(seed)
    labels = list(CENTRES)
    out = []
    for i in range(count):
        label = labels[i % len(labels)]
        cx, cy = CENTRES[label]
        x = rng.gauss(cx + drift * DRIFT[0], SPREAD)
        y = rng.gauss(cy + drift * DRIFT[1], SPREAD)
        out.append((label, round(x, 4), round(y, 4)))
    return out


def main():
    parser = argparse.ArgumentParser(description="Write a deterministic batch of labelled 2-D samples.")
    parser.add_argument("out_dir", nargs="?", help="folder for the sample files <label>_<n>.json")
    parser.add_argument("--csv", help="write one CSV table x,y,label instead of sample files")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--drift", type=float, default=1.0, help="0 = the training distribution")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if bool(args.out_dir) == bool(args.csv):
        parser.error("give either OUT_DIR or --csv FILE")

    batch = samples(args.count, args.drift, args.seed)
    if args.csv:
        os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
        with open(args.csv, "w") as f:
            f.write("x,y,label\n")
            for label, x, y in batch:
                f.write(f"{x},{y},{label}\n")
        print(f"wrote {len(batch)} rows to {args.csv}")
        return
    os.makedirs(args.out_dir, exist_ok=True)
    for n, (label, x, y) in enumerate(batch):
        with open(os.path.join(args.out_dir, f"{label}_{n:04d}.json"), "w") as f:
            f.write(json.dumps({"x": x, "y": y}) + "\n")
    print(f"wrote {len(batch)} samples to {args.out_dir} (drift {args.drift}, seed {args.seed})")


if __name__ == "__main__":
    main()
