"""Unit tests of the model module: the Pipeline's `unit-tests` check runs them in the image,
with this folder in place (`python3 -m unittest discover -s models -p '*_test.py'`)."""

import unittest

import model

POINTS = [(0.0, 0.0, "red"), (0.2, 0.1, "red"), (4.0, 0.0, "green"), (4.1, 0.2, "green"),
          (2.0, 3.5, "blue"), (2.1, 3.4, "blue")]


class ModelTest(unittest.TestCase):
    def test_predicts_the_class_of_the_nearest_points(self):
        trained = model.train(POINTS, k=1)
        for x, y, label in POINTS:
            self.assertEqual(model.predict(trained, (x, y))[0], label)

    def test_accuracy_on_its_training_points(self):
        self.assertEqual(model.accuracy(model.train(POINTS, k=1), POINTS), 1.0)

    def test_no_training_data_is_an_error(self):
        with self.assertRaises(ValueError):
            model.train([], k=3)


if __name__ == "__main__":
    unittest.main()
