"""Finds and imports the model and preprocessing modules for `train.py` and `predict.py`.

Steward copies `models/` on its own (the Pipeline's `modules`) and passes the copy a run
uses as `STEWARD_MODULES_DIR`; the image folder does not contain `models/`. Only when that
variable is empty (running a script by hand in the repository) is the local `models/`
folder used.
"""

import importlib
import os
import sys


def load(modules_dir=None):
    """Imports `model` and `preprocessing` from the module copy; returns (model, preprocessing, the folder)."""
    folder = modules_dir or os.environ.get("STEWARD_MODULES_DIR", "")
    if not folder:
        folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
    folder = os.path.abspath(folder)
    if not os.path.isfile(os.path.join(folder, "model.py")):
        sys.exit(f"modules: no model.py in '{folder}'")
    sys.path.insert(0, folder)
    model = importlib.import_module("model")
    preprocessing = importlib.import_module("preprocessing")
    for module in (model, preprocessing):
        # Proof of origin: the modules really come from `folder`, not from anywhere else.
        if os.path.dirname(os.path.abspath(module.__file__)) != folder:
            sys.exit(f"modules: '{module.__name__}' was imported from '{module.__file__}', not from '{folder}'")
    return model, preprocessing, folder
