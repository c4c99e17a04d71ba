"""Reading back TensorBoard event files in tests."""

import glob
import os


def read_scalars(directory):
    """``{tag: {step: value}}`` from every event file in ``directory``."""
    import tensorflow as tf

    scalars = {}
    for path in sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                scalars.setdefault(value.tag, {})[event.step] = float(tf.make_ndarray(value.tensor))
    return scalars
