"""bench/RESULTS.md, shared by every benchmark: each script owns one section (a `## title`
heading and what follows, up to the next `## `) and replaces only that section, so the
benchmarks can be run one at a time, on different machines, in any order."""

import pathlib
import re

RESULTS = pathlib.Path(__file__).with_name("RESULTS.md")
TOP = (
    "# Benchmark results\n\n"
    "Each section is written by the script it names, from numbers measured when it ran.\n"
)


def write_section(title, markdown, path=RESULTS):
    """Put `markdown` under `## title` in `path`, replacing that section if it is there."""
    text = path.read_text() if path.exists() else TOP
    section = f"## {title}\n\n{markdown.strip()}\n"
    existing = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if existing.search(text):
        text = existing.sub(lambda _: section + "\n", text).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
