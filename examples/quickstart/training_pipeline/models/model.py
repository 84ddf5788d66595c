"""The quickstart's model: k-nearest neighbours on standardised 2-D points.

Deterministic: neighbours are ordered by distance, then by their position in the
training data, and votes are tied by label name.
"""

import preprocessing  # the modules folder is on sys.path as a whole

VERSION = "1"


def train(points, k):
    """A model (a JSON-ready dict) from labelled points (x, y, label)."""
    if not points:
        raise ValueError("no training data")
    scaler = preprocessing.fit_scaler(points)
    return {
        "kind": "knn",
        "k": k,
        "classes": sorted({p[2] for p in points}),
        "scaler": scaler,
        "points": [preprocessing.scale(scaler, p) + [p[2]] for p in points],
    }


def predict(model, point):
    """(label, confidence) for an (x, y) point; confidence is the winning share of the k votes."""
    x, y = preprocessing.scale(model["scaler"], point)
    nearest = sorted(
        range(len(model["points"])),
        key=lambda i: ((model["points"][i][0] - x) ** 2 + (model["points"][i][1] - y) ** 2, i),
    )[: model["k"]]
    votes = {}
    for i in nearest:
        label = model["points"][i][2]
        votes[label] = votes.get(label, 0) + 1
    label = min(votes, key=lambda l: (-votes[l], l))
    return label, votes[label] / len(nearest)


def accuracy(model, points):
    """Share of labelled points (x, y, label) predicted correctly."""
    if not points:
        return 0.0
    return sum(predict(model, p[:2])[0] == p[2] for p in points) / len(points)
