"""Compiles the quickstart's pipeline spec without kfp: the Pipeline's `compile` check.

Writes the KFP IR that `pipeline.py` compiles with kfp (`python pipeline.py pipeline.json`),
built here with the standard library only, so that the check runs on any machine with
python3. One task, `trainer`, runs `python3 train.py` with the runtime parameters as options
and writes the output artifacts `model` and `blessing`. Steward keys the run on the content
of what this writes, so the spec can never drift from the code it was compiled from.

    python3 compile.py OUT.json
"""

import json
import sys

# (name, IR type, default) of each runtime parameter of the trainer task, as in pipeline.py.
PARAMETERS = [
    ("module_root", "STRING", None),
    ("data_root", "STRING", None),
    ("spans", "STRING", None),
    ("k", "NUMBER_INTEGER", 5.0),
    ("min_accuracy", "NUMBER_DOUBLE", 0.8),
]
ARTIFACTS = {"model": "system.Model", "blessing": "system.Artifact"}
OPTIONS = ["--modules-dir", "module_root", "--dataset-root", "data_root", "--spans", "spans", "--k", "k",
           "--min-accuracy", "min_accuracy"]


def spec():
    image = "{{$.inputs.parameters['pipelinechannel--image']}}"
    args = []
    for option, name in zip(OPTIONS[::2], OPTIONS[1::2]):
        args += [option, "{{$.inputs.parameters['%s']}}" % name]
    args += ["--model-dir", "{{$.outputs.artifacts['model'].path}}",
             "--blessing-dir", "{{$.outputs.artifacts['blessing'].path}}"]
    task_inputs = {name: {"componentInputParameter": name} for name, _, _ in PARAMETERS}
    task_inputs["base_image"] = {"runtimeValue": {"constant": image}}
    task_inputs["pipelinechannel--image"] = {"componentInputParameter": "image"}
    root_inputs = {"image": {"parameterType": "STRING"}}
    for name, kind, default in PARAMETERS:
        root_inputs[name] = {"parameterType": kind}
        if default is not None:
            root_inputs[name].update({"defaultValue": default, "isOptional": True})
    return {
        "components": {
            "comp-trainer": {
                "executorLabel": "exec-trainer",
                "inputDefinitions": {"parameters": {name: {"parameterType": kind} for name, kind, _ in PARAMETERS}},
                "outputDefinitions": {"artifacts": {
                    name: {"artifactType": {"schemaTitle": title, "schemaVersion": "0.0.1"}} for name, title in ARTIFACTS.items()
                }},
            }
        },
        "deploymentSpec": {"executors": {"exec-trainer": {"container": {
            "args": args, "command": ["python3", "train.py"], "image": image,
        }}}},
        "pipelineInfo": {"description": "k-nearest neighbours on 2-D points.", "name": "quickstart-training"},
        "root": {
            "dag": {"tasks": {"trainer": {
                "cachingOptions": {"enableCache": True},
                "componentRef": {"name": "comp-trainer"},
                "inputs": {"parameters": task_inputs},
                "taskInfo": {"name": "trainer"},
            }}},
            "inputDefinitions": {"parameters": root_inputs},
        },
        "schemaVersion": "2.1.0",
        "sdkVersion": "kfp-2.17.3",
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 compile.py OUT.json")
    with open(sys.argv[1], "w") as f:
        json.dump(spec(), f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"compiled the quickstart-training pipeline spec to {sys.argv[1]}")
