"""How many tunes of real tunebooks Symphonia's ABC reader converts, next to note-seq's.

Usage::

    python scripts/bench_abc.py [PATH ...] [--mismatches N]

Each PATH is an .abc file or a directory searched for them, and makes one
tunebook of the report. Without PATHs, the tunebooks shipped in music21's
corpus are used, one per corpus folder (oneills1850, ryansMammoth, airdsAirs,
essenFolksong...), found through music21's installed location without
importing it.

For each tunebook and overall it prints the tunes (X: fields), how many each
parser converts, the most common failure reasons, and the seconds spent. For
the tunes both parsers read, it also counts those where our notes equal
note-seq's once its repeat sections are unrolled ("same notes A+B tied/N": A
equal, B equal once touching notes of one pitch are joined, since we join tied
notes and note-seq does not). --mismatches lists the others.
"""

import argparse
import collections
import importlib.util
import logging
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from symphonia.music.abc import parse_abc_tunebook  # noqa: E402
from symphonia.music.errors import MusicReadError  # noqa: E402

TOP_REASONS = 5


class Tally:
    """The counts of one tunebook (or of all of them)."""

    def __init__(self, name):
        self.name = name
        self.tunes = 0
        self.ours = 0
        self.theirs = 0
        self.our_reasons = collections.Counter()
        self.their_reasons = collections.Counter()
        self.our_seconds = 0.0
        self.their_seconds = 0.0
        self.compared = 0
        self.agreeing = 0
        self.agreeing_but_ties = 0
        self.mismatches = []

    def add(self, other):
        for name in ("tunes", "ours", "theirs", "our_seconds", "their_seconds", "compared", "agreeing",
                     "agreeing_but_ties"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.our_reasons.update(other.our_reasons)
        self.their_reasons.update(other.their_reasons)
        self.mismatches.extend(other.mismatches)


def default_tunebooks():
    """music21's corpus folders that hold .abc files, as (name, [files])."""
    spec = importlib.util.find_spec("music21")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("music21 is not installed: name the tunebooks to read")
    corpus = os.path.join(spec.submodule_search_locations[0], "corpus")
    books = []
    for name in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, name)
        files = abc_files(path) if os.path.isdir(path) else []
        if files:
            books.append((name, files))
    return books


def abc_files(path):
    if os.path.isfile(path):
        return [path]
    return sorted(os.path.join(root, name) for root, _, names in os.walk(path)
                  for name in names if name.lower().endswith(".abc"))


def read_text(path):
    with open(path, "rb") as file:
        return file.read().decode("utf-8", errors="replace")


def run_ours(text, tally):
    """Our sequences for a file as {X number: sequence} (numbers used once), and the X-number counts."""
    start = time.perf_counter()
    results = parse_abc_tunebook(text)
    tally.our_seconds += time.perf_counter() - start
    tally.tunes += len(results)
    numbers = collections.Counter(number for number, _ in results)
    read = {}
    for number, result in results:
        if isinstance(result, MusicReadError):
            tally.our_reasons[result.reason] += 1
        else:
            tally.ours += 1
            if numbers[number] == 1:
                read[number] = result
    return read, numbers


def run_theirs(text, tally, numbers):
    """note-seq's tunes for a file, as {X number: sequence}; a file it rejects counts for all.

    note-seq also reads text between tunes as tunes (numbered 0); only the
    sequences of real tunes (X: numbers of the file) are counted.
    """
    from note_seq import abc_parser
    start = time.perf_counter()
    try:
        read, errors = abc_parser.parse_abc_tunebook(text)
    except Exception as error:  # note-seq rejects whole files (duplicate X:, unknown keys)
        tally.their_seconds += time.perf_counter() - start
        tally.their_reasons[f"whole file: {type(error).__name__}"] += sum(numbers.values())
        return {}
    tally.their_seconds += time.perf_counter() - start
    tally.theirs += sum(numbers[number] for number in read)
    for error in errors:
        tally.their_reasons[note_seq_reason(error)] += 1
    return read


def note_seq_reason(error):
    """note-seq's messages embed the offending text; keep the kind and the start."""
    message = str(error).split(":")[0].split("{")[0].strip()
    return f"{type(error).__name__}: {message}"[:70]


def note_list(sequence):
    return [(note.pitch, note.velocity, note.start_time, note.end_time) for note in sequence.notes]


def joined(notes):
    """Notes with every pair of touching same-pitch notes joined, as ties would join them."""
    result = []
    for pitch, velocity, start, end in notes:
        if result and result[-1][0] == pitch and math.isclose(result[-1][3], start, abs_tol=1e-6):
            result[-1] = result[-1][:3] + (end,)
        else:
            result.append((pitch, velocity, start, end))
    return result


def same(ours, theirs):
    return len(ours) == len(theirs) and all(
        a[:2] == b[:2] and math.isclose(a[2], b[2], abs_tol=1e-6) and math.isclose(a[3], b[3], abs_tol=1e-6)
        for a, b in zip(ours, theirs))


def compare(ours, theirs):
    """"same", "ties" (same once touching equal notes are joined: we join ties, note-seq does not) or "differs"."""
    from note_seq import sequences_lib
    ours, theirs = note_list(ours), note_list(sequences_lib.expand_section_groups(theirs))
    if same(ours, theirs):
        return "same"
    return "ties" if same(joined(ours), joined(theirs)) else "differs"


def bench_book(name, files):
    tally = Tally(name)
    for path in files:
        text = read_text(path)
        ours, numbers = run_ours(text, tally)
        theirs = run_theirs(text, tally, numbers)
        for number in sorted(ours.keys() & theirs.keys()):
            tally.compared += 1
            verdict = compare(ours[number], theirs[number])
            tally.agreeing += verdict == "same"
            tally.agreeing_but_ties += verdict == "ties"
            if verdict == "differs":
                tally.mismatches.append(f"{path} X:{number}")
    return tally


def percent(part, whole):
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def report(tally):
    print(f"{tally.name:<20} {tally.tunes:6d}  ours {tally.ours:6d} {percent(tally.ours, tally.tunes)}"
          f" fail {tally.tunes - tally.ours:5d} {tally.our_seconds:6.1f}s"
          f" | note-seq {tally.theirs:6d} {percent(tally.theirs, tally.tunes)}"
          f" fail {tally.tunes - tally.theirs:5d} {tally.their_seconds:6.1f}s"
          f" | same notes {tally.agreeing}+{tally.agreeing_but_ties} tied/{tally.compared}")
    for label, reasons in (("ours", tally.our_reasons), ("note-seq", tally.their_reasons)):
        for reason, count in reasons.most_common(TOP_REASONS):
            print(f"    {label:<8} {count:6d}  {reason}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help=".abc files or directories (default: music21's corpus)")
    parser.add_argument("--mismatches", type=int, default=0,
                        help="list this many tunes whose notes differ from note-seq's")
    args = parser.parse_args(argv)
    logging.getLogger("absl").setLevel(logging.ERROR)
    books = [(path, abc_files(path)) for path in args.paths] or default_tunebooks()
    overall = Tally("overall")
    for name, files in books:
        tally = bench_book(os.path.basename(os.path.normpath(name)), files)
        report(tally)
        overall.add(tally)
    report(overall)
    for mismatch in overall.mismatches[:args.mismatches]:
        print("  differs:", mismatch)


if __name__ == "__main__":
    main()
