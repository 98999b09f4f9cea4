"""Feed mutated real PDFs to the ingest and count what goes wrong: crashes, hangs, bugs.

    python scripts/fuzz.py DIR [DIR ...] [--mutants 2000] [--seed 1] [--file-timeout 20]
                           [--batch 100] [--max-size 1000000] [--keep OUT] [--out fuzz.json]

Takes the PDFs under each DIR (pdf.js's ``test/pdfs``, say: a suite of broken and odd files
made to break PDF readers), and writes ``--mutants`` mutated copies of them, each by a few
mutations chosen at random from a fixed seed (so a run can be repeated): bit flips, bytes
replaced by "interesting" values, a run of bytes deleted, repeated or copied from elsewhere,
PDF tokens (``obj``, ``<<``, ``stream``, huge and negative numbers) inserted, the file cut
short, two files spliced. Every mutant goes through the library's real ingest
(``report_index.ingest.run.ingest``: worker processes, the time limit, the memory limit), a
batch of ``--batch`` files at a time, and each outcome is sorted:

- **read**: added (or a duplicate of another mutant);
- **refused**: failed with a reason a user is given for a bad file (damaged, encrypted, no text);
- **crashed**: the reader process died ("reading it crashed the reader process");
- **hang**: it hit the time limit (``--file-timeout``);
- **memory**: it hit the memory limit;
- **bug**: "unexpected extraction error" (an exception the readers did not expect), or an
  exception out of the ingest itself (which a user would see as a traceback).

Prints the counts, the reasons of the non-"read" outcomes, the slowest files, and writes every
outcome as JSON with ``--out``. With ``--keep OUT`` the mutants of the bad categories are
copied there to be reproduced. Crashes are contained by the ingest (the file fails by name, the
run goes on) and hangs by the time limit; "bug" should stay at zero.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report_index.ingest.limits import FileLimits  # noqa: E402
from report_index.ingest.run import ingest  # noqa: E402

#: Tokens inserted into a mutant: PDF syntax and numbers that readers must not trust.
TOKENS = [
    b"obj", b"endobj", b"<<", b">>", b"[", b"]", b"stream\n", b"\nendstream", b"/Length 99999999",
    b"/Length -1", b"/Type /Page", b"/Kids [1 0 R 1 0 R]", b"/Parent 1 0 R", b"/Filter /FlateDecode",
    b"/Filter [/FlateDecode /LZWDecode /ASCII85Decode]", b"/W [4 4 4]", b"/Size 2147483647",
    b"999999999999", b"-2147483648", b"0 0 R", b"1 0 R", b"xref\n0 1\n", b"trailer", b"%%EOF",
    b"BT /F1 1e30 Tf (x) Tj ET", b"q 1e30 0 0 1e30 0 0 cm", b"/Rotate 45", b"/MediaBox [0 0 0 0]",
    b"/MediaBox [0 0 1e9 1e9]", b"(\\", b"<FEFF", b"/Encrypt 1 0 R", b"/Annots [1 0 R]",
]
#: Byte values that tend to matter: delimiters, the ends of number ranges.
INTERESTING = [0x00, 0xFF, 0x7F, 0x80, 0x25, 0x28, 0x29, 0x3C, 0x3E, 0x2F, 0x5B, 0x5D, 0x0A, 0x0D, 0x20, 0x30, 0x39]


def mutate(data: bytearray, other: bytes, rng: random.Random) -> bytes:
    """``data`` after one to four random mutations (``other``: another file, for splicing)."""
    for _ in range(rng.randint(1, 4)):
        size = len(data)
        if size < 16:
            break
        at = rng.randrange(size)
        kind = rng.randrange(8)
        if kind == 0:  # flip bits
            for _ in range(rng.randint(1, 16)):
                spot = rng.randrange(size)
                data[spot] ^= 1 << rng.randrange(8)
        elif kind == 1:  # interesting bytes
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(size)] = rng.choice(INTERESTING)
        elif kind == 2:  # delete a run
            del data[at:at + rng.randint(1, max(1, size // 20))]
        elif kind == 3:  # repeat a run
            chunk = data[at:at + rng.randint(1, 256)]
            data[at:at] = chunk * rng.randint(2, 64)
        elif kind == 4:  # copy a run from elsewhere over this one
            source = rng.randrange(size)
            length = rng.randint(1, 512)
            data[at:at + length] = data[source:source + length]
        elif kind == 5:  # insert a token
            data[at:at] = rng.choice(TOKENS)
        elif kind == 6:  # cut short
            del data[rng.randrange(size // 4, size):]
        else:  # splice: the head of this file, the tail of another
            cut = rng.randrange(len(other)) if other else 0
            data[at:] = other[cut:]
    return bytes(data)


def classify(status: str, reason: str) -> str:
    if status in ("added", "duplicate", "updated", "unchanged"):
        return "read"
    if "unexpected extraction error" in reason:
        return "bug"
    if "crashed the reader process" in reason:
        return "crashed"
    if "took longer than" in reason:
        return "hang"
    if "more memory than" in reason:
        return "memory"
    return "refused"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--mutants", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file-timeout", type=float, default=20.0)
    parser.add_argument("--file-memory", type=int, default=2048, help="megabytes a reader may take")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--max-size", type=int, default=1_000_000, help="bytes: larger PDFs are not mutated")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", type=Path, help="copy the mutants that crashed, hung or hit a bug here")
    parser.add_argument("--out", type=Path, help="write every outcome as JSON")
    args = parser.parse_args()

    sources = sorted(
        p for d in args.dirs for p in d.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()
        and 64 <= p.stat().st_size <= args.max_size
    )
    if not sources:
        parser.error("no PDFs to mutate under " + ", ".join(map(str, args.dirs)))
    rng = random.Random(args.seed)
    limits = FileLimits(seconds=args.file_timeout, memory_mb=args.file_memory)
    outcomes: list[dict] = []
    errors: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        work = Path(scratch)
        index = work / "index"
        made = 0
        while made < args.mutants:
            batch = work / f"batch-{made:06d}"
            batch.mkdir()
            origins = {}
            for _ in range(min(args.batch, args.mutants - made)):
                source = rng.choice(sources)
                other = rng.choice(sources).read_bytes()
                name = f"m{made:06d}-{source.stem[:40]}.pdf"
                (batch / name).write_bytes(mutate(bytearray(source.read_bytes()), other, rng))
                origins[name] = str(source)
                made += 1
            tick = time.monotonic()
            try:
                summary = ingest([batch], index, limits=limits, jobs=args.jobs)
            except Exception as exc:  # what a user would see as a traceback
                errors.append(f"{batch.name}: {type(exc).__name__}: {exc}")
                for name, origin in origins.items():
                    outcomes.append({"file": name, "from": origin, "kind": "bug", "reason": f"ingest raised {type(exc).__name__}: {exc}"})
                shutil.rmtree(index, ignore_errors=True)
                continue
            seconds = time.monotonic() - tick
            for outcome in summary.outcomes:
                name = Path(outcome.path).name
                kind = classify(outcome.status, outcome.reason)
                outcomes.append({"file": name, "from": origins.get(name, ""), "kind": kind, "status": outcome.status, "reason": outcome.reason})
                if args.keep and kind in ("bug", "crashed", "hang", "memory"):
                    args.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(batch / name, args.keep / name)
            counts = Counter(o["kind"] for o in outcomes)
            print(f"{made:>6} mutants  {seconds:6.1f} s this batch  " + "  ".join(f"{k} {v}" for k, v in sorted(counts.items())), flush=True)
            shutil.rmtree(batch)
    elapsed = time.monotonic() - started
    counts = Counter(o["kind"] for o in outcomes)
    print()
    print(f"PDFs mutated: {len(sources)} sources, {len(outcomes)} mutants, seed {args.seed}, {elapsed / 60:.1f} min")
    for kind in ("read", "refused", "crashed", "hang", "memory", "bug"):
        print(f"  {kind:<8} {counts.get(kind, 0)}")
    reasons = Counter((o["kind"], _short(o["reason"])) for o in outcomes if o["kind"] != "read")
    print("\nreasons:")
    for (kind, reason), count in reasons.most_common(25):
        print(f"  {count:>5}  {kind:<8} {reason}")
    for error in errors:
        print("ingest raised:", error)
    if args.out:
        args.out.write_text(json.dumps({"counts": counts, "seed": args.seed, "outcomes": outcomes}, indent=1), encoding="utf-8")
    return 1 if counts.get("bug") or errors else 0


def _short(reason: str) -> str:
    """A reason without what differs from file to file (numbers in brackets, the tail)."""
    return reason.split(" (")[0][:100]


if __name__ == "__main__":
    raise SystemExit(main())
