"""The seed's preprocessing test: the Transform entry point exists (`callable(preprocessing_fn)`)."""

import importlib

import pytest


def test_preprocessing_fn_is_callable():
    pytest.importorskip("tensorflow", reason="the training image has TensorFlow")
    assert callable(importlib.import_module("preprocessing").preprocessing_fn)
