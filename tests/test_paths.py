"""Outputs never land outside the output directory, and a directory walk
never reads outside the input directory. Policy (docs/testing.md): refuse,
with an error naming the path, and go on with the other documents."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import cleaner_command

from cleaner.errors import InputError
from cleaner.sources import iter_documents, output_name, safe_join

PROSE = "The council approved the new budget on Tuesday evening after a long debate."
ARTICLE = f"Budget Passes After Long Debate\n\n{PROSE}\n"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*cleaner_command(), *args], capture_output=True, timeout=120)


@pytest.mark.parametrize("relative", [
    "../escape.txt", "a/../../escape.txt", "a/b/../../../escape.txt", "/etc/passwd",
    "/tmp/x.txt", "", ".", "..",
])
def test_safe_join_refuses_paths_that_leave_the_root(tmp_path, relative):
    with pytest.raises(InputError, match="refused: output path would leave"):
        safe_join(tmp_path, relative)


@pytest.mark.parametrize("relative", ["a.txt", "a/b/c.txt", "..hidden.txt", "a..b/c.txt",
                                      "sp ace/ü.txt"])
def test_safe_join_accepts_paths_inside_the_root(tmp_path, relative):
    target = safe_join(tmp_path, relative)
    assert tmp_path.resolve() in target.resolve().parents


def test_safe_join_refuses_a_symlinked_directory_pointing_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "out"
    root.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="refused"):
        safe_join(root, "link/a.txt")


def test_safe_join_refuses_a_symlinked_output_file_pointing_out(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    root = tmp_path / "out"
    root.mkdir()
    (root / "a.txt").symlink_to(victim)
    with pytest.raises(InputError, match="refused"):
        safe_join(root, "a.txt")


@pytest.mark.parametrize(("doc_id", "name"), [
    ("a/b.html.gz", "a/b.txt"), ("a.txt", "a.txt"), ("x.md", "x.txt"), ("dir/x", "dir/x.txt"),
])
def test_output_names_mirror_the_input_tree(doc_id, name):
    assert output_name(doc_id) == name


def test_walk_refuses_symlinks_pointing_out_of_the_input_tree(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(ARTICLE, encoding="utf-8")
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "real.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "inside-link.txt").symlink_to(root / "sub" / "real.txt")
    (root / "outside-link.txt").symlink_to(secret)
    (root / "dir-link").symlink_to(tmp_path, target_is_directory=True)
    items = list(iter_documents([str(root)]))
    errors = [str(i) for i in items if isinstance(i, InputError)]
    ids = [i.id for i in items if not isinstance(i, InputError)]
    assert ids == ["inside-link.txt", "sub/real.txt"]  # symlinked dirs are not followed
    assert len(errors) == 1
    assert "outside-link.txt: refused: symlink points outside the input directory" in errors[0]


def test_cli_writes_only_inside_the_output_directory(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(ARTICLE, encoding="utf-8")
    victim_dir = tmp_path / "victim"
    victim_dir.mkdir()
    root = tmp_path / "in"
    (root / "evil").mkdir(parents=True)
    (root / "evil" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "leak.txt").symlink_to(secret)
    out = tmp_path / "out"
    out.mkdir()
    (out / "evil").symlink_to(victim_dir, target_is_directory=True)  # planted in the output
    done = _run("clean", str(root), "-o", str(out))
    assert done.returncode == 1
    errors = done.stderr.decode()
    assert "leak.txt: refused: symlink points outside the input directory" in errors
    assert "evil/a.txt: refused: output path would leave the output directory" in errors
    assert list(victim_dir.iterdir()) == []
    assert (out / "b.txt").read_text(encoding="utf-8") == PROSE + "\n"
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.txt")
                     if p.is_file() and not p.is_symlink())
    assert written == ["in/b.txt", "in/evil/a.txt", "out/b.txt", "secret.txt"]


def test_jsonl_ids_are_data_not_paths(tmp_path):
    """In JSONL output an id is only a field: nothing is written by its name."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "weird ..name.txt").write_text(ARTICLE, encoding="utf-8")
    done = _run("clean", "--to", "jsonl", str(root))
    assert done.returncode == 0
    assert json.loads(done.stdout)["id"] == "weird ..name.txt"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["in", "weird ..name.txt"]


def test_output_inside_input_is_refused(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    done = _run("clean", str(root), "-o", str(root / "out"))
    assert done.returncode == 2
    assert "output lies inside the input directory" in done.stderr.decode()
    assert not (root / "out").exists()
    assert Path(root / "a.txt").read_text(encoding="utf-8") == ARTICLE
