"""Trains the quickstart's classifier: the Pipeline's `local.command` (`python3 train.py`).

Reads the selected spans, trains k-nearest neighbours (the `models/` modules), writes the
model as JSON, prints the test accuracy and blesses the model when it is good enough.

On Steward's local provider everything comes from the environment (docs/local-provider.md):
  STEWARD_DATASET_ROOT  the Dataset root; spans are span-N/train and span-N/test below it
  STEWARD_SPANS         the selected span numbers, oldest first (1,2)
  STEWARD_MODEL_DIR     where the model goes (model.json)
  STEWARD_BLESSING_DIR  where BLESSED goes, when the Pipeline declares outputs.blessing
  STEWARD_MODULES_DIR   the module copy to import model.py and preprocessing.py from
  STEWARD_PARAM_K, STEWARD_PARAM_MIN_ACCURACY  the Pipeline's parameters `k`, `min_accuracy`
In a container (the cloud flavour, see pipeline.py) the same values come as options; a
`gs://B/P` value is read at `/gcs/B/P`, where Vertex mounts Cloud Storage.
"""

import argparse
import json
import os
import sys

# No __pycache__ in the image folder or in the module copy: both are content-addressed.
sys.dont_write_bytecode = True

import modules  # noqa: E402


def local(path):
    """A `gs://` URI as its Cloud Storage FUSE path; any other path as it is."""
    return "/gcs/" + path[len("gs://"):] if path.startswith("gs://") else path


def main(argv=None):
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset-root", default=env("STEWARD_DATASET_ROOT", ""))
    parser.add_argument("--spans", default=env("STEWARD_SPANS", ""))
    parser.add_argument("--model-dir", default=env("STEWARD_MODEL_DIR", ""))
    parser.add_argument("--blessing-dir", default=env("STEWARD_BLESSING_DIR", ""))
    parser.add_argument("--modules-dir", default=env("STEWARD_MODULES_DIR", ""))
    parser.add_argument("--k", type=int, default=int(env("STEWARD_PARAM_K", "5")))
    parser.add_argument("--min-accuracy", type=float, default=float(env("STEWARD_PARAM_MIN_ACCURACY", "0.8")))
    args = parser.parse_args(argv)
    if not args.dataset_root or not args.spans or not args.model_dir:
        sys.exit("train.py: need a dataset root, spans and a model dir (STEWARD_DATASET_ROOT, STEWARD_SPANS, STEWARD_MODEL_DIR)")

    model, preprocessing, modules_dir = modules.load(local(args.modules_dir))
    root = local(args.dataset_root)
    spans = [int(s) for s in args.spans.split(",") if s.strip()]
    data = {"train": [], "test": []}
    for span in spans:
        for split in data:
            folder = os.path.join(root, f"span-{span}", split)
            if not os.path.isdir(folder):
                sys.exit(f"train.py: missing '{folder}'")
            data[split].extend(preprocessing.read_folder(folder))

    trained = model.train(data["train"], args.k)
    accuracy = model.accuracy(trained, data["test"])
    trained["training"] = {
        "spans": spans,
        "train_samples": len(data["train"]),
        "test_samples": len(data["test"]),
        "test_accuracy": accuracy,
        "modules_dir": modules_dir,
        "model_version": model.VERSION,
        "preprocessing_version": preprocessing.VERSION,
    }
    model_dir = local(args.model_dir)
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "model.json"), "w") as f:
        json.dump(trained, f, indent=1)
        f.write("\n")

    print(f"spans {','.join(map(str, spans))}: {len(data['train'])} train, {len(data['test'])} test samples")
    print(f"modules from {modules_dir}")
    print(f"test accuracy {accuracy:.3f}")
    if args.blessing_dir:
        blessing_dir = local(args.blessing_dir)
        os.makedirs(blessing_dir, exist_ok=True)
        if accuracy >= args.min_accuracy:
            with open(os.path.join(blessing_dir, "BLESSED"), "w") as f:
                json.dump({"test_accuracy": accuracy, "min_accuracy": args.min_accuracy}, f)
                f.write("\n")
            print(f"blessed (>= {args.min_accuracy})")
        else:
            print(f"not blessed (< {args.min_accuracy})")


if __name__ == "__main__":
    main()
