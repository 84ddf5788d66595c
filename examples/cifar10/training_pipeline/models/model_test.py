"""The seed's model test, run by the Pipeline's `unit-tests` check in the image, the modules in place.

The image (`tensorflow/tfx`) has TensorFlow; where it is missing each test is skipped, not failed.
"""

import importlib

import pytest


def load():
    pytest.importorskip("tensorflow", reason="the training image has TensorFlow")
    return importlib.import_module("model")  # the modules folder is on sys.path as a whole


def test_build_model_has_one_output_per_class():
    assert load().build_model().output_shape[-1] == 10


def test_run_fn_is_the_trainer_entry_point():
    assert callable(load().run_fn)
