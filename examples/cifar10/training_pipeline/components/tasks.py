"""The pipeline's tasks, run inside the training image (`python -m components.tasks ...`).

Example material for Steward, never run by its tests: a small stand-in of the seed's TFX
components (ImportExampleGen, Trainer, Evaluator). Two differences from the seed are on
purpose:

- the model and preprocessing code is read from `--module-root` (the Cloud Storage copy of
  `models/` that Steward makes), not imported from the image, so that a change under
  `models/` needs no image build (the seed copied modules that nothing read);
- no token of any kind is read here, written here or baked into the image.
"""

import argparse
import json
import os
import sys
import tempfile

import tensorflow as tf

BLESSING_THRESHOLD = 0.55  # the seed's Evaluator: SparseCategoricalAccuracy >= 0.55


def load_modules(module_root):
    """Copies `model.py` and `preprocessing.py` from `module_root` (a `gs://` folder) and imports them."""
    local = tempfile.mkdtemp(prefix="modules-")
    for name in ("model.py", "preprocessing.py"):
        tf.io.gfile.copy(f"{module_root.rstrip('/')}/{name}", os.path.join(local, name))
    sys.path.insert(0, local)
    import model  # noqa: E402  (imported from the copy, on purpose)

    return model


def split_files(examples_dir, split):
    with tf.io.gfile.GFile(os.path.join(examples_dir, "splits.json")) as f:
        return json.load(f)[split]


def example_gen(args):
    """Resolves each split's pattern relative to `input_base`, as TFX's ImportExampleGen does."""
    config = json.loads(args.input_config)
    splits = {}
    for split in config["splits"]:
        pattern = os.path.join(args.input_base, split["pattern"])
        files = sorted(tf.io.gfile.glob(pattern))
        if not files:
            raise SystemExit(f"split '{split['name']}': no file matches '{pattern}'")
        splits[split["name"]] = files
    tf.io.gfile.makedirs(args.examples)
    with tf.io.gfile.GFile(os.path.join(args.examples, "splits.json"), "w") as f:
        json.dump(splits, f, indent=2)


def trainer(args):
    model = load_modules(args.module_root)
    model.run_fn(
        split_files(args.examples, "train"),
        split_files(args.examples, "eval"),
        args.model,
    )


def evaluator(args):
    saved = tf.keras.models.load_model(args.model)
    model = load_modules(args.module_root)
    _, accuracy = saved.evaluate(model.input_fn(split_files(args.examples, "eval")))
    tf.io.gfile.makedirs(args.blessing)
    marker = "BLESSED" if accuracy >= BLESSING_THRESHOLD else "NOT_BLESSED"
    with tf.io.gfile.GFile(os.path.join(args.blessing, marker), "w") as f:
        f.write(json.dumps({"sparse_categorical_accuracy": float(accuracy)}))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="components.tasks")
    sub = parser.add_subparsers(dest="task", required=True)
    p = sub.add_parser("example-gen")
    p.add_argument("--input-base", required=True)
    p.add_argument("--input-config", required=True)
    p.add_argument("--output-config", default="{}")
    p.add_argument("--examples", required=True)
    p.set_defaults(run=example_gen)
    p = sub.add_parser("trainer")
    p.add_argument("--examples", required=True)
    p.add_argument("--module-root", required=True)
    p.add_argument("--model", required=True)
    p.set_defaults(run=trainer)
    p = sub.add_parser("evaluator")
    p.add_argument("--examples", required=True)
    p.add_argument("--module-root", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--blessing", required=True)
    p.set_defaults(run=evaluator)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
