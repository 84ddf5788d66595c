"""The seed's preprocessing test: the Transform entry point exists (`callable(preprocessing_fn)`)."""

import pytest

pytest.importorskip("tensorflow", reason="the training image has TensorFlow")

import preprocessing  # noqa: E402


def test_preprocessing_fn_is_callable():
    assert callable(preprocessing.preprocessing_fn)
