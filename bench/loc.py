"""Lines of code in kg/ per folder, now and at a baseline commit, and the modules added since, found by git.

``python bench/loc.py [--base REV] [--rev REV] [--markdown FILE]`` counts the lines (``wc -l``) of every ``*.py`` file
under ``kg/`` at both revisions, per folder, and lists the Python modules git sees as added between them (a moved or
renamed module is shown as a move, not as new code), so that a change in size can be read against the features added.
The default baseline, e5c8863, is the last commit before issue 17 (the redesign) was filed, when kg/ had 15,962 lines.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "e5c8863"


def git(*args: str) -> str:
    """Output of a git command run at the top of the repository."""
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def lines_per_file(rev: str) -> dict[str, int]:
    """Lines of each kg/**/*.py file at ``rev``."""
    counts: dict[str, int] = {}
    for row in git("grep", "-c", "", rev, "--", "kg/*.py").splitlines():
        path, count = row.split(":", 1)[1].rsplit(":", 1)
        counts[path] = int(count)
    return counts


def folder(path: str) -> str:
    """The folder a module is counted in: kg/ itself for top-level modules."""
    return str(Path(path).parent) + "/"


def origin(path: str, rev: str) -> tuple[str, str]:
    """(commit, subject) of the commit that first added ``path``'s content, following renames."""
    log = git("log", "--follow", "--diff-filter=A", "--format=%h %s", rev, "--", path).splitlines()
    return tuple(log[-1].split(" ", 1)) if log else ("", "")  # type: ignore[return-value]


def added_modules(base: str, rev: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(new, moved) modules between the two revisions: (path, commit and subject that added it) for a module with no
    history at ``base``, (path, where it came from) for one git follows back to before ``base`` (moved, split, renamed).
    """
    new, moved = [], []
    for row in git("diff", "--name-status", "-M50%", base, rev, "--", "kg/").splitlines():
        status, *paths = row.split("\t")
        path = paths[-1]
        if not path.endswith(".py") or status[0] not in "AR":
            continue
        commit, subject = origin(path, rev)
        ancestor = subprocess.run(["git", "merge-base", "--is-ancestor", commit, base], cwd=ROOT).returncode == 0
        if status[0] == "R" or ancestor:
            moved.append((path, paths[0] if status[0] == "R" else f"{commit} {subject[:90]}"))
        else:
            new.append((path, f"{commit} {subject[:110]}"))
    return new, moved


def report(base: str, rev: str) -> str:
    """The Markdown report."""
    before, after = lines_per_file(base), lines_per_file(rev)
    by_before, by_after = Counter(), Counter()
    for path, n in before.items():
        by_before[folder(path)] += n
    for path, n in after.items():
        by_after[folder(path)] += n
    head = git("rev-parse", "--short", rev).strip()
    out = [
        "# Lines of code in kg/",
        "",
        f"Produced by `python bench/loc.py --base {base} --rev {rev}` (at {head}): `wc -l` of kg/**/*.py per folder.",
        "",
        f"| folder | {base} | {head} | change |",
        "|---|---:|---:|---:|",
    ]
    for name in sorted(by_before.keys() | by_after.keys()):
        b, a = by_before[name], by_after[name]
        out.append(f"| {name} | {b:,} | {a:,} | {a - b:+,} |")
    tb, ta = sum(by_before.values()), sum(by_after.values())
    out.append(f"| **total** | **{tb:,}** | **{ta:,}** | **{ta - tb:+,}** |")
    added, moved = added_modules(base, rev)
    new_lines = sum(after.get(path, 0) for path, _ in added)
    out += [
        "",
        f"## Modules added since {base} ({len(added)}, {new_lines:,} lines now)",
        "",
        "| module | lines | added by |",
        "|---|---:|---|",
    ]
    out += [f"| {path} | {after.get(path, 0):,} | {subject} |" for path, subject in sorted(added)]
    out += ["", f"## Modules moved, renamed or split from code that existed at {base} ({len(moved)})", ""]
    out += [f"- {path} ← {source}" for path, source in sorted(moved)]
    grown = sorted(((n - before.get(p, 0), p) for p, n in after.items() if p in before), reverse=True)[:15]
    out += ["", "## Modules present at both revisions that grew most (features added inside them)", ""]
    out += [f"- {path}: {before[path]:,} → {after[path]:,} ({d:+,})" for d, path in grown if d > 0]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASELINE, help=f"baseline revision (default {BASELINE})")
    parser.add_argument("--rev", default="HEAD", help="revision to count (default HEAD)")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    text = report(args.base, args.rev)
    sys.stdout.write(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
