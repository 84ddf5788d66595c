"""The CIFAR-10 training pipeline as a KFP v2 pipeline, and how `pipeline.json` was compiled.

Example material for Steward: a small stand-in of the seed's `kubeflow_runner.py` and
`pipeline/pipeline.py` (a TFX pipeline compiled for Vertex). Steward never runs this file;
it reads the compiled spec `pipeline.json` beside it (the Pipeline's `template`).

Runtime parameters (set by the Pipeline manifest's `parameters`):
  image          the training image with its tag (`${image}`: Steward builds it from this
                 folder, without `models/`, and tags it with the folder's git tree id)
  module-root    where `models/` was copied (`${modules}`)
  input-base     the Dataset root (`${dataset.root}`), TFX's `input_base`
  input-config   TFX-style JSON, split patterns relative to `input-base`
  output-config  TFX-style JSON, `{}` as in the seed

Tasks and outputs: `example-gen` → `trainer` (output artifact `model`) → `evaluator`
(output artifact `blessing`).

Recompile (needs `pip install kfp`, nothing else):
    python pipeline.py pipeline.json
"""

import json
import sys

from kfp import compiler, dsl

# What the tasks run in when no `image` is passed; Steward always passes `${image}`.
DEFAULT_IMAGE = "gcr.io/gcp-ml-172005/cifar10-training:latest"
TASKS = ["python", "-m", "components.tasks"]

# KFP's DSL takes Python identifiers; the seed's (TFX's) runtime parameters are hyphenated.
PARAMETER_NAMES = {
    "module_root": "module-root",
    "input_base": "input-base",
    "input_config": "input-config",
    "output_config": "output-config",
}


@dsl.container_component
def example_gen(
    input_base: str,
    input_config: str,
    output_config: str,
    examples: dsl.Output[dsl.Dataset],
):
    return dsl.ContainerSpec(
        image=DEFAULT_IMAGE,
        command=TASKS,
        args=[
            "example-gen",
            "--input-base", input_base,
            "--input-config", input_config,
            "--output-config", output_config,
            "--examples", examples.path,
        ],
    )


@dsl.container_component
def trainer(
    examples: dsl.Input[dsl.Dataset],
    module_root: str,
    model: dsl.Output[dsl.Model],
):
    return dsl.ContainerSpec(
        image=DEFAULT_IMAGE,
        command=TASKS,
        args=[
            "trainer",
            "--examples", examples.path,
            "--module-root", module_root,
            "--model", model.path,
        ],
    )


@dsl.container_component
def evaluator(
    examples: dsl.Input[dsl.Dataset],
    model: dsl.Input[dsl.Model],
    module_root: str,
    blessing: dsl.Output[dsl.Artifact],
):
    return dsl.ContainerSpec(
        image=DEFAULT_IMAGE,
        command=TASKS,
        args=[
            "evaluator",
            "--examples", examples.path,
            "--model", model.path,
            "--module-root", module_root,
            "--blessing", blessing.path,
        ],
    )


@dsl.pipeline(name="cifar10-training", description="Stand-in of the seed's CIFAR-10 TFX pipeline.")
def cifar10_training(
    image: str,
    module_root: str,
    input_base: str,
    input_config: str,
    output_config: str = "{}",
):
    gen = example_gen(input_base=input_base, input_config=input_config, output_config=output_config)
    gen.set_container_image(image)
    train = trainer(examples=gen.outputs["examples"], module_root=module_root)
    train.set_container_image(image)
    evaluate = evaluator(
        examples=gen.outputs["examples"],
        model=train.outputs["model"],
        module_root=module_root,
    )
    evaluate.set_container_image(image)


def rename_parameters(spec):
    """Renames the pipeline's input parameters to their hyphenated names, everywhere they are referenced."""
    text = json.dumps(spec)
    for old, new in PARAMETER_NAMES.items():
        # A parameter appears as a key or value (`"input_base"`), inside executor
        # placeholders (`{{$.inputs.parameters['input_base']}}`) and in channel names.
        text = (
            text.replace(f'"{old}"', f'"{new}"')
            .replace(f"['{old}']", f"['{new}']")
            .replace(f"pipelinechannel--{old}", f"pipelinechannel--{new}")
        )
    return json.loads(text)


def main(path):
    compiler.Compiler().compile(cifar10_training, package_path=path)
    with open(path) as f:
        spec = json.load(f)
    with open(path, "w") as f:
        json.dump(rename_parameters(spec), f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pipeline.json")
