"""Directory-scale runs through the real command: JSONL pass-through, bad
records, identical output for any --jobs, kill-and-resume, atomic writes,
refusing to overwrite inputs, and the datatrove step."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import time

import pytest
from conftest import FIXTURES, cleaner_command

SEEDS = sorted(FIXTURES.glob("seed-*/input.txt"))


def write_corpus(path, count: int, bad: tuple[int, ...] = ()) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            record = {"id": f"doc{i}", "text": SEEDS[i % len(SEEDS)].read_text(),
                      "url": "https://www.example.com/a", "source": {"crawl": "x", "n": i}}
            if i in bad:
                record.pop("text")
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*cleaner_command(), *args], capture_output=True, timeout=300,
                          **kwargs)


def test_jsonl_passes_unknown_keys_through(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 3)
    done = run("clean", str(corpus), "--to", "jsonl", "-q", "--explain")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in records] == ["doc0", "doc1", "doc2"]
    assert records[1]["source"] == {"crawl": "x", "n": 1}
    assert records[1]["url"] == "https://www.example.com/a"
    own = records[1]["metadata"]["cleaner"]
    assert own["chars_in"] > own["chars_out"] > 0
    assert own["rule_hits"]["SEC001"] == 4
    original = SEEDS[1].read_text()
    for span in own["removed"]:
        assert original[span["start"]:span["end"]].strip()
    assert {original[s["start"]:s["end"]] for s in own["removed"]} >= {
        "Comments", "Popular posts from this blog"}


def test_bad_records_are_reported_and_the_run_goes_on(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 5, bad=(2,))
    with open(corpus, "a") as out:
        out.write("{not json\n")
        out.write(json.dumps({"id": "n", "text": 42}) + "\n")
    target = tmp_path / "out.jsonl"
    done = run("clean", str(corpus), "--to", "jsonl", "-o", str(target))
    assert done.returncode == 1
    err = done.stderr.decode()
    assert "in.jsonl: line 3: id 'doc2': field 'text' is missing" in err
    assert "line 6: not a JSON object" in err
    assert "line 7: id 'n': field 'text' is not a string" in err
    assert len(target.read_text().splitlines()) == 4
    errors = [json.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").read_text()
              .splitlines()]
    assert [e["line"] for e in errors] == [3, 6, 7]


def test_output_is_identical_for_one_and_two_jobs(tmp_path):
    corpus = tmp_path / "in.jsonl.gz"
    plain = tmp_path / "plain.jsonl"
    write_corpus(plain, 700)
    corpus.write_bytes(gzip.compress(plain.read_bytes()))
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"out{jobs}.jsonl.gz"
        done = run("clean", str(corpus), "--to", "jsonl", "-o", str(target), "-j", jobs, "-q")
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(gzip.decompress(outputs[0]).splitlines()) == 700


def test_zstd_in_and_out(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    plain = tmp_path / "plain.jsonl"
    write_corpus(plain, 4)
    corpus = tmp_path / "in.jsonl.zst"
    corpus.write_bytes(zstandard.ZstdCompressor().compress(plain.read_bytes()))
    target = tmp_path / "out.jsonl.zst"
    done = run("clean", str(corpus), "--to", "jsonl", "-o", str(target), "-q")
    assert done.returncode == 0, done.stderr
    data = zstandard.ZstdDecompressor().stream_reader(target.read_bytes()).read()
    assert len(data.splitlines()) == 4


@pytest.fixture(scope="module")
def resume_corpus(tmp_path_factory):
    """A corpus and its uninterrupted output, shared by the kill points."""
    root = tmp_path_factory.mktemp("resume")
    corpus = root / "in.jsonl"
    write_corpus(corpus, 2000)
    reference = root / "reference.jsonl.gz"
    done = run("clean", str(corpus), "--to", "jsonl", "-o", str(reference), "-q", "-j", "2")
    assert done.returncode == 0, done.stderr
    return corpus, reference


def kill_when(process: subprocess.Popen, ready) -> None:
    """SIGKILL the command and its workers (no clean-up runs) once ``ready()``."""
    deadline = time.monotonic() + 120
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("committed_chunks", [0, 1, 4])
def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path, resume_corpus,
                                                         committed_chunks):
    corpus, reference = resume_corpus
    target = tmp_path / "out.jsonl.gz"
    workdir = tmp_path / "out.jsonl.gz.cleaner-run"
    args = [*cleaner_command(), "clean", str(corpus), "--to", "jsonl", "-o", str(target), "-q",
            "-j", "2"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    kill_when(process, lambda: workdir.is_dir()
              and len(list(workdir.glob("chunk-*.json"))) >= committed_chunks)
    assert not target.exists(), "the run finished before it could be killed"
    done = run(*args[len(cleaner_command()):], "--resume")
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == reference.read_bytes()
    assert not (tmp_path / "out.jsonl.gz.cleaner-run").exists()


def test_resume_of_a_tree(tmp_path):
    source = tmp_path / "in"
    for i in range(600):
        (source / f"d{i % 7}").mkdir(parents=True, exist_ok=True)
        (source / f"d{i % 7}" / f"{i}.txt").write_bytes(SEEDS[i % len(SEEDS)].read_bytes())
    out = tmp_path / "out"
    args = [*cleaner_command(), "clean", str(source), "-o", str(out), "-q", "-j", "2"]
    process = subprocess.Popen(args, start_new_session=True, stderr=subprocess.DEVNULL)
    kill_when(process, lambda: len(list((out / ".cleaner-run").glob("chunk-*.json"))) >= 1)
    assert (out / ".cleaner-run").exists(), "the run finished before it could be killed"
    done = run(*args[len(cleaner_command()):], "--resume")
    assert done.returncode == 0, done.stderr
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(files) == 600
    assert not list(out.rglob(".*"))  # no temporary files, no work directory left
    assert (out / "d1" / "1.txt").read_text() == (FIXTURES / SEEDS[1].parent.name /
                                                  "expected.txt").read_text()


def test_resume_refuses_a_different_run(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 300)
    target = tmp_path / "out.jsonl"
    workdir = tmp_path / "out.jsonl.cleaner-run"
    workdir.mkdir()
    (workdir / "manifest.json").write_text('{"other": "run"}')
    done = run("clean", str(corpus), "--to", "jsonl", "-o", str(target), "--resume")
    assert done.returncode == 2
    assert b"--resume refused" in done.stderr


def test_atomic_writes_leave_no_partial_files(tmp_path, monkeypatch):
    from cleaner import sources

    target = tmp_path / "a" / "out.txt"
    sources.write_atomic(target, b"first")
    sources.write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]

    def interrupted(src, dst):  # the process dies between write and rename
        raise KeyboardInterrupt

    monkeypatch.setattr(sources.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sources.write_atomic(target, b"third, never seen")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_a_tree_chunk_goes_to_disk_at_once_before_it_is_committed(tmp_path, monkeypatch):
    """Tree output: no fsync per file, one flush of each chunk's files, and
    only then the chunk's marker (a committed chunk survives a crash)."""
    from cleaner import Cleaner, runner, sources

    source = tmp_path / "in"
    source.mkdir()
    count = runner.CHUNK_SIZE + 3  # two chunks
    for n in range(count):
        (source / f"doc{n:03d}.txt").write_text(f"Paragraph {n} of the article text.\n")
    tasks = [runner.Task(n, f"doc{n:03d}.txt", path=str(source / f"doc{n:03d}.txt"))
             for n in range(count)]
    events: list = []
    real_fsync, real_sync = sources.os.fsync, runner.sync_to_disk

    def fsync(descriptor):
        events.append("fsync")
        real_fsync(descriptor)

    def sync(paths):
        assert all(path.is_file() for path in paths)
        events.append(("sync", len(paths)))
        real_sync(paths)

    monkeypatch.setattr(sources.os, "fsync", fsync)
    monkeypatch.setattr(runner, "sync_to_disk", sync)
    sink = runner.TreeSink(tmp_path / "out")
    real_write = sources.write_atomic

    def write(path, data, durable=True):
        events.append("marker" if path.name.startswith("chunk-") else
                      "manifest" if path.name == runner.MANIFEST else "file")
        real_write(path, data, durable)

    monkeypatch.setattr(runner, "write_atomic", write)
    stats = runner.run_all(tasks, Cleaner(), runner.JobSettings(output="text"), sink)
    assert stats.to_dict()["documents_in"] == count
    # per chunk: its files, one sync of them all, then the marker (fsynced itself)
    chunks = [["file"] * size + [("sync", size), "marker", "fsync"]
              for size in (runner.CHUNK_SIZE, 3)]
    manifest = ["manifest", "fsync"]  # (the work directory's, first)
    assert events == manifest + chunks[0] + chunks[1]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"doc{n:03d}.txt" for n in range(count))


def test_sync_to_disk_where_there_is_no_syncfs(tmp_path, monkeypatch):
    from cleaner import sources

    files = [tmp_path / "a.txt", tmp_path / "b" / "c.txt"]
    for path in files:
        sources.write_atomic(path, b"text", durable=False)
    sources.sync_to_disk(files)  # this machine's syncfs
    sources.sync_to_disk([])
    monkeypatch.setattr(sources, "_syncfs", lambda: None)
    calls: list = []
    monkeypatch.setattr(sources.os, "sync", lambda: calls.append("sync"))
    sources.sync_to_disk(files)
    assert calls == ["sync"]
    monkeypatch.delattr(sources.os, "sync")
    real_fsync = sources.os.fsync
    monkeypatch.setattr(sources.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd)))
    sources.sync_to_disk(files)
    assert calls == ["sync", "fsync", "fsync"]
    assert [path.read_bytes() for path in files] == [b"text", b"text"]


def test_sync_to_disk_reports_a_failed_flush(tmp_path, monkeypatch):
    from cleaner import sources

    path = tmp_path / "a.txt"
    sources.write_atomic(path, b"text", durable=False)
    syncfs = sources._syncfs()
    if syncfs is None:
        pytest.skip("no syncfs in this C library")
    with pytest.raises(OSError, match="syncfs"):
        syncfs(-1, tmp_path)  # (a closed descriptor: EBADF)


def test_refuses_to_write_into_the_input_tree(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 2)
    done = run("clean", str(corpus), "--to", "jsonl", "-o", str(corpus))
    assert done.returncode == 2
    assert b"overwrite the input" in done.stderr
    assert len(corpus.read_text().splitlines()) == 2


def test_stats_file(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 10, bad=(4,))
    stats_file = tmp_path / "stats.json"
    done = run("clean", str(corpus), "--to", "jsonl", "-o", str(tmp_path / "o.jsonl"),
               "--stats", str(stats_file), "-q")
    assert done.returncode == 1
    stats = json.loads(stats_file.read_text())
    assert stats["documents_in"] == 10 and stats["documents_out"] == 9
    assert stats["failed"] == 1 and len(stats["errors"]) == 1
    assert stats["rules"]["TTL001"]["documents"] == 9
    assert stats["chars_in"] > stats["chars_out"] > 0
    assert stats["elapsed_seconds"] >= 0


def test_datatrove_step_equals_the_cli(tmp_path):
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations.datatrove import CleanerStep

    shards = tmp_path / "shards"
    shards.mkdir()
    for shard in range(4):
        write_corpus(shards / f"s{shard}.jsonl", 6)
    out = tmp_path / "dt"
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(shards)), CleanerStep(), JsonlWriter(str(out), compression=None)],
        tasks=4, workers=2, logging_dir=str(tmp_path / "logs"),
    ).run()
    produced = {}
    for file in sorted(out.glob("*.jsonl")):
        for line in file.read_text().splitlines():
            record = json.loads(line)
            produced.setdefault(record["id"], []).append(record)
    cli = run("clean", str(shards), "--from", "jsonl", "--to", "jsonl", "-q")
    assert cli.returncode == 0, cli.stderr
    expected = [json.loads(line) for line in cli.stdout.splitlines()]
    assert len(expected) == 24 and sum(len(v) for v in produced.values()) == 24
    for record in expected:
        assert record["text"] in [r["text"] for r in produced[record["id"]]]
        match = next(r for r in produced[record["id"]] if r["text"] == record["text"])
        assert match["metadata"]["cleaner"]["rule_hits"] == \
            record["metadata"]["cleaner"]["rule_hits"]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    assert any("rule/TTL001" in json.dumps(step) for step in stats)
