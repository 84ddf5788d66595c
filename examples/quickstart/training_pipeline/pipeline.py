"""The quickstart's pipeline spec: how `pipeline.json` was compiled.

One task, `trainer`, runs `python3 train.py` in the image with the runtime parameters as
options and writes two output artifacts, `model` and `blessing` (the Pipeline manifest's
`outputs`). On Steward's local provider the spec is the Pipeline's `template` (its content
is part of the run's key) and `local.command` runs `train.py` with the same values in
STEWARD_* variables instead.

Nothing else in the example needs `kfp`. To recompile: `pip install kfp`, then
    python pipeline.py pipeline.json
"""

import json
import sys

from kfp import compiler, dsl


@dsl.container_component
def trainer(
    module_root: str,
    data_root: str,
    spans: str,
    k: int,
    min_accuracy: float,
    model: dsl.Output[dsl.Model],
    blessing: dsl.Output[dsl.Artifact],
):
    return dsl.ContainerSpec(
        image="quickstart-training:latest",
        command=["python3", "train.py"],
        args=[
            "--modules-dir", module_root,
            "--dataset-root", data_root,
            "--spans", spans,
            "--k", k,
            "--min-accuracy", min_accuracy,
            "--model-dir", model.path,
            "--blessing-dir", blessing.path,
        ],
    )


@dsl.pipeline(name="quickstart-training", description="k-nearest neighbours on 2-D points.")
def quickstart_training(
    image: str,
    module_root: str,
    data_root: str,
    spans: str,
    k: int = 5,
    min_accuracy: float = 0.8,
):
    task = trainer(module_root=module_root, data_root=data_root, spans=spans, k=k, min_accuracy=min_accuracy)
    task.set_container_image(image)


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "pipeline.json"
    compiler.Compiler().compile(quickstart_training, package_path=path)
    with open(path) as f:
        spec = json.load(f)
    with open(path, "w") as f:
        json.dump(spec, f, indent=2, sort_keys=True)
        f.write("\n")
