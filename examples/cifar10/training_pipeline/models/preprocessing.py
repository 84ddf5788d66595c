"""Stand-in for the seed's `training_pipeline/models/preprocessing.py`.

This file is example material for Steward: it is never run by Steward's tests. It keeps the
shape of the seed's TFX `preprocessing_fn` (decode the PNG bytes of `image`, resize, scale;
pass `label` through as `label_xf`) so that the manifests in `manifests/` point at code that
looks like the real thing. It lives in the modules folder, which Steward copies to Cloud
Storage instead of baking it into the image.
"""

import tensorflow as tf

IMAGE_SIZE = 32  # the seed resized to 224 for ResNet50; the stand-in keeps CIFAR's size
FEATURE_SPEC = {
    "image": tf.io.FixedLenFeature([], tf.string),
    "label": tf.io.FixedLenFeature([], tf.int64),
}


def preprocessing_fn(inputs):
    """Maps raw features to model features: `image_xf` float32 [0, 1] and `label_xf`."""
    # Spans written by Steward from collected `.jpg` files hold JPEG bytes, the seed's
    # first span PNG bytes; `decode_image` reads both (the seed's `decode_png` did not).
    image = tf.io.decode_image(inputs["image"], channels=3, expand_animations=False)
    image = tf.image.resize(image, [IMAGE_SIZE, IMAGE_SIZE])
    return {"image_xf": image / 255.0, "label_xf": inputs["label"]}


def parse_example(serialized):
    """Parses one `tf.train.Example` and applies `preprocessing_fn`."""
    return preprocessing_fn(tf.io.parse_single_example(serialized, FEATURE_SPEC))
