"""Stand-in for the seed's `training_pipeline/models/model.py`.

This file is example material for Steward: it is never run by Steward's tests. The seed
tuned and trained a ResNet50 on Vertex with TFX's Tuner and Trainer; the stand-in keeps the
entry point `run_fn` and trains a small Keras CNN on the TFRecords of the selected spans.
"""

import tensorflow as tf

# The modules folder is copied on its own (to `${modules}`) and put on `sys.path` by the
# trainer, so its files import each other by their bare names.
import preprocessing

NUM_CLASSES = 10  # the order of the Dataset's `classes` (the seed's LABEL_DICT)
BATCH_SIZE = 64
EPOCHS = 2


def build_model():
    """A small CNN over `image_xf` with 10 softmax outputs."""
    size = preprocessing.IMAGE_SIZE
    inputs = tf.keras.Input(shape=(size, size, 3), name="image_xf")
    x = tf.keras.layers.Conv2D(32, 3, activation="relu")(inputs)
    x = tf.keras.layers.MaxPooling2D()(x)
    x = tf.keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(NUM_CLASSES, activation="softmax")(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def input_fn(file_pattern_list, batch_size=BATCH_SIZE):
    """A dataset of (image_xf, label_xf) batches from TFRecord files."""
    files = tf.data.Dataset.from_tensor_slices(file_pattern_list)
    records = tf.data.TFRecordDataset(files)
    examples = records.map(preprocessing.parse_example)
    return examples.map(lambda f: (f["image_xf"], f["label_xf"])).batch(batch_size)


def run_fn(train_files, eval_files, serving_model_dir):
    """Trains on `train_files`, validates on `eval_files`, saves a SavedModel."""
    model = build_model()
    model.fit(
        input_fn(train_files),
        validation_data=input_fn(eval_files),
        epochs=EPOCHS,
    )
    model.save(serving_model_dir, save_format="tf")
    return model
