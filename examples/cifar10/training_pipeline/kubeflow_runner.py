"""The seed's `kubeflow_runner.py`, as a stand-in: compiles the CIFAR-10 pipeline spec.

In the seed, `tfx pipeline compile --pipeline-path kubeflow_runner.py --engine vertex` ran this
file, whose KubeflowV2DagRunner wrote `<PIPELINE_NAME>_pipeline.json`. The Pipeline manifest's
`compile` check runs that same command in the image; here the file writes the KFP v2 spec of the
stand-in pipeline (`example-gen` → `trainer` → `evaluator`, see `pipeline.py`) with the standard
library only, so the spec always comes from this code and never drifts from it:

    python3 kubeflow_runner.py [OUT.json]      (default cifar10-training_pipeline.json)

It writes the same bytes as `pipeline.py` compiles with kfp 2.17.3 (`pipeline.json`).
"""

import json
import sys

PIPELINE_NAME = "cifar10-training"
DESCRIPTION = "Stand-in of the seed's CIFAR-10 TFX pipeline."
IMAGE = "{{$.inputs.parameters['pipelinechannel--image']}}"
TYPES = {"examples": "system.Dataset", "model": "system.Model", "blessing": "system.Artifact"}

# (task, runtime parameters it reads, artifacts it reads as (name, producer), artifacts it writes)
TASKS = [
    ("example-gen", ["input-base", "input-config", "output-config"], [], ["examples"]),
    ("trainer", ["module-root"], [("examples", "example-gen")], ["model"]),
    ("evaluator", ["module-root"], [("examples", "example-gen"), ("model", "trainer")], ["blessing"]),
]
# Runtime parameters of the pipeline, with defaults where the seed had them.
PARAMETERS = {"image": None, "input-base": None, "input-config": None, "module-root": None, "output-config": "{}"}


def artifact(name):
    return {"artifactType": {"schemaTitle": TYPES[name], "schemaVersion": "0.0.1"}}


def spec():
    components, executors, tasks = {}, {}, {}
    for name, parameters, inputs, outputs in TASKS:
        definitions = {"parameters": {p: {"parameterType": "STRING"} for p in parameters}}
        if inputs:
            definitions["artifacts"] = {a: artifact(a) for a, _ in inputs}
        components[f"comp-{name}"] = {
            "executorLabel": f"exec-{name}",
            "inputDefinitions": dict(sorted(definitions.items())),
            "outputDefinitions": {"artifacts": {a: artifact(a) for a in outputs}},
        }
        args = [name]
        for a, _ in inputs:
            args += [f"--{a}", "{{$.inputs.artifacts['%s'].path}}" % a]
        for p in parameters:
            args += [f"--{p}", "{{$.inputs.parameters['%s']}}" % p]
        for a in outputs:
            args += [f"--{a}", "{{$.outputs.artifacts['%s'].path}}" % a]
        executors[f"exec-{name}"] = {"container": {"args": args, "command": ["python", "-m", "components.tasks"], "image": IMAGE}}
        task_parameters = {p: {"componentInputParameter": p} for p in parameters}
        task_parameters["base_image"] = {"runtimeValue": {"constant": IMAGE}}
        task_parameters["pipelinechannel--image"] = {"componentInputParameter": "image"}
        task = {
            "cachingOptions": {"enableCache": True},
            "componentRef": {"name": f"comp-{name}"},
            "inputs": {"parameters": task_parameters},
            "taskInfo": {"name": name},
        }
        if inputs:
            task["dependentTasks"] = sorted({producer for _, producer in inputs})
            task["inputs"]["artifacts"] = {
                a: {"taskOutputArtifact": {"outputArtifactKey": a, "producerTask": producer}} for a, producer in inputs
            }
        tasks[name] = task
    root_parameters = {}
    for name, default in PARAMETERS.items():
        root_parameters[name] = {"parameterType": "STRING"}
        if default is not None:
            root_parameters[name].update({"defaultValue": default, "isOptional": True})
    return {
        "components": components,
        "deploymentSpec": {"executors": executors},
        "pipelineInfo": {"description": DESCRIPTION, "name": PIPELINE_NAME},
        "root": {"dag": {"tasks": tasks}, "inputDefinitions": {"parameters": root_parameters}},
        "schemaVersion": "2.1.0",
        "sdkVersion": "kfp-2.17.3",
    }


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else f"{PIPELINE_NAME}_pipeline.json"
    with open(out, "w") as f:
        json.dump(spec(), f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"compiled {PIPELINE_NAME} to {out}")
