"""bench/RESULTS.md is made of sections, one per benchmark, each under its own `## title`.

A benchmark rewrites only its own section, so the CPU and the GPU benchmarks (run on
different machines) can both keep their latest numbers in the one file.
"""

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nEach section is written by the script it names; rerun it to update.\n"


def write_section(title, markdown, path=RESULTS):
    """Put `markdown` under `## title` in `path`, replacing that section if it exists."""
    path = Path(path)
    text = path.read_text() if path.exists() else HEADER
    head, sep, rest = text.partition(f"\n## {title}\n")
    section = f"\n## {title}\n\n{markdown.strip()}\n"
    if sep:
        following = rest.find("\n## ")
        tail = rest[following:] if following >= 0 else ""
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n" + section
    path.write_text(text)
