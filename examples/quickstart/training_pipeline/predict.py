"""Batch prediction for the quickstart: the Evaluation's `local.command` (`python3 predict.py`).

Reads the instances (one absolute sample path per line of STEWARD_INSTANCES_FILE), loads
model.json from STEWARD_MODEL_DIR, imports the modules from STEWARD_MODULES_DIR, and writes
Vertex's batch prediction output to
STEWARD_OUTPUT_DIR/prediction.results-00000-of-00001, one JSON line per instance:
  {"instance": "<line>", "prediction": {"label": "red", "confidence": 0.8}}
  {"instance": "<line>", "error": {"message": "..."}}     (a sample it could not read)
"""

import json
import os
import sys

# No __pycache__ in the image folder or in the module copy: both are content-addressed.
sys.dont_write_bytecode = True

import modules  # noqa: E402


def main():
    for name in ("STEWARD_INSTANCES_FILE", "STEWARD_MODEL_DIR", "STEWARD_OUTPUT_DIR"):
        if not os.environ.get(name):
            sys.exit(f"predict.py: {name} is not set")
    model, preprocessing, _ = modules.load()
    with open(os.path.join(os.environ["STEWARD_MODEL_DIR"], "model.json")) as f:
        trained = json.load(f)
    with open(os.environ["STEWARD_INSTANCES_FILE"]) as f:
        instances = [line.rstrip("\n") for line in f if line.strip()]

    os.makedirs(os.environ["STEWARD_OUTPUT_DIR"], exist_ok=True)
    out = os.path.join(os.environ["STEWARD_OUTPUT_DIR"], "prediction.results-00000-of-00001")
    partial = os.path.join(os.environ["STEWARD_OUTPUT_DIR"], ".partial-results")
    errors = 0
    with open(partial, "w") as f:
        for instance in instances:
            try:
                label, confidence = model.predict(trained, preprocessing.read_sample(instance))
                line = {"instance": instance, "prediction": {"label": label, "confidence": confidence}}
            except (OSError, ValueError) as e:
                errors += 1
                line = {"instance": instance, "error": {"message": f"{type(e).__name__}: {e}"}}
            f.write(json.dumps(line) + "\n")
    os.replace(partial, out)  # readers never see a half-written results file
    print(f"{len(instances)} instances, {errors} errors: {out}")


if __name__ == "__main__":
    main()
