"""The train / eval split: a pure function of the sequence id and a seed.

Magenta draws ``random.random()`` per sequence, unseeded, so every run of
``create_dataset`` puts different pieces in the eval set. Hashing the id instead
makes the split reproducible (same seed, same split), stable when files are added
(a piece never changes side because another appeared), and the same whichever
worker or order processes the piece. A whole NoteSequence goes to one side, so
transpositions or fragments of a piece never straddle the split.
"""

import hashlib


def eval_fraction(sequence_id, seed):
    """A number in [0, 1), uniform over ids, fixed for a given id and seed."""
    digest = hashlib.sha256(f"{seed}\0{sequence_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def is_eval(sequence_id, eval_ratio, seed=0):
    """True when the sequence belongs to the eval set (probability ``eval_ratio``)."""
    return eval_fraction(sequence_id, seed) < eval_ratio
