"""Bad input: a matrix of hostile or broken documents, each with a defined
outcome, through the API and the real CLI.

Outcomes: a cleaned result; an empty body flagged ``empty``; or a clear error
naming the file and the reason (CLI exit 1). In a directory run every other
document is still cleaned.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from conftest import cleaner_command

from cleaner import Cleaner, clean
from cleaner.errors import InputError
from cleaner.sources import read_input, sniff_binary

PROSE = ("The council approved the new budget on Tuesday evening after a debate that "
         "lasted more than six hours.")
ARTICLE = f"Budget Passes After Long Debate\n\n{PROSE}\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02"


def _zip_bytes() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", ARTICLE)
    return buffer.getvalue()


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*cleaner_command(), *args], input=stdin, capture_output=True,
                          timeout=120)


def _jsonl(done: subprocess.CompletedProcess) -> dict[str, dict]:
    records = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    return {record["id"]: record for record in records}


# ------------------------------------------------ one document, the API way

@pytest.mark.parametrize("data", [b"", "", b"   \n\t\n\r\n", " \u00a0\u3000\n\n"],
                         ids=["empty-bytes", "empty-str", "whitespace-bytes", "whitespace-str"])
def test_empty_and_whitespace_give_an_empty_flagged_result(data):
    result = clean(data)
    assert result.text == "" and result.empty
    assert result.to_dict()["empty"] is True
    assert not result.decisions


def test_chrome_only_gives_an_empty_flagged_result_with_every_line_explained():
    result = clean("Skip to content\nMenu\nShare on Facebook\nAdvertisement\nLeave a reply\n")
    assert result.empty and result.to_dict()["empty"] is True
    assert [d.line for d in result.decisions] == [1, 2, 3, 4, 5]


def test_nul_bytes_are_removed_and_the_text_kept():
    result = clean(f"Budget Passes\x00 After Long Debate\n\n{PROSE[:40]}\x00{PROSE[40:]}\n"
                   .encode())
    assert result.text == PROSE + "\n"
    assert result.title == "Budget Passes After Long Debate"


def test_invalid_utf8_is_decoded_without_raising():
    result = clean(b"Caf\xe9 Society Opens\n\nThe caf\xe9 on the corner opened its doors on "
                   b"Tuesday, apr\xe8s a long wait \xff\xfe for the neighbours.\n")
    assert result.title == "Café Society Opens"
    assert "après" in result.text and "\ufffd" not in result.text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(codec):
    result = clean(ARTICLE.encode(codec))
    assert result.encoding.startswith("utf-16")
    assert result.text == PROSE + "\n"
    assert result.title == "Budget Passes After Long Debate"


def test_latin1_file():
    text = ("Café Society Opens Its Doors\n\nLe café du coin a ouvert ses portes mardi, "
            "après une longue attente, à la grande joie des habitants du quartier.\n")
    result = clean(text.encode("latin-1"))
    assert result.title == "Café Society Opens Its Doors"
    assert result.text == text.split("\n\n")[1]


def test_mixed_line_endings():
    data = (b"Budget Passes After Long Debate\r\n\r" + PROSE.encode() + b"\n\r\n"
            + PROSE.encode() + b"\r")
    result = clean(data)
    assert result.text == f"{PROSE}\n\n{PROSE}\n"
    assert "\r" not in result.text


def test_binary_is_sniffed_and_still_cleans_without_raising():
    assert sniff_binary(PNG) == "PNG image"
    assert sniff_binary(_zip_bytes()) == "zip archive"
    assert sniff_binary(ARTICLE.encode()) is None
    assert sniff_binary(b"MZ is a two-letter word.\n") is None
    # The API takes any bytes: it never raises, and the output keeps its shape.
    for data in (PNG, _zip_bytes()):
        text = clean(data).text
        assert "\x00" not in text and (text == "" or text.endswith("\n"))


UNLIMITED = Cleaner(timeout=None)  # the big cases: no per-document time limit


def test_fifty_megabyte_single_line():
    line = ("word " * 10_485_760).encode()  # 50 MiB, no line break
    result = UNLIMITED.clean(line)
    assert result.text == "word " * 10_485_759 + "word\n"
    assert not result.decisions


def test_a_million_short_lines():
    rows = [f"row {n % 1000} of the table" for n in range(1_000_000)]
    result = UNLIMITED.clean("\n".join(rows).encode())
    assert result.text.count("\n\n") == 999_999
    assert not result.decisions


def test_deeply_nested_broken_html_gives_a_result_or_a_clear_error():
    html = "<div>" * 50_000 + "<p>Unclosed <b>bold <i>text" + "</span>" * 1000
    assert clean(html, input_format="text").text == html + "\n"
    try:
        result = clean(html)  # sniffed as HTML
    except InputError as exc:
        assert str(exc)
    else:
        assert result.text in ("", "Unclosed bold text\n")
        assert result.empty == (result.text == "")


# --------------------------------------------------------------- gzip bombs

def _bomb(megabytes: int) -> bytes:
    buffer = BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        chunk = b"a" * 1_048_576
        for _ in range(megabytes):
            handle.write(chunk)
    return buffer.getvalue()


def test_gzip_bomb_is_bounded_after_decompression():
    bomb = _bomb(256)  # 256 MiB decompressed, about 250 KB compressed
    assert len(bomb) < 1_000_000
    with pytest.raises(InputError, match=r"inflates past --max-bytes \(1000000 bytes\)"):
        Cleaner(max_bytes=1_000_000).clean(bomb)


def test_gzip_text_is_decompressed_and_fake_gzip_is_text():
    assert clean(gzip.compress(ARTICLE.encode())).text == PROSE + "\n"
    # two magic bytes by chance (or a truncated stream): cleaned as text
    assert clean(b"\x1f\x8b\x08\x00garbage").text.endswith("garbage\n")


# ------------------------------------------------------- the whole matrix, CLI

def _matrix(root: Path) -> dict[str, str]:
    """Write every bad input into ``root``; returns name -> expected outcome:
    "ok", "empty" or an error fragment."""
    expected = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        (root / name).write_bytes(data)
        expected[name] = outcome

    put("good.txt", ARTICLE.encode(), "ok")
    put("empty.txt", b"", "empty")
    put("whitespace.txt", b" \n\t\n\r\n", "empty")
    put("chrome.txt", b"Skip to content\nMenu\nShare on Facebook\nAdvertisement\n", "empty")
    put("nul.txt", ARTICLE.replace("Budget", "Bud\x00get").encode(), "ok")
    put("image.txt", PNG, "binary data (PNG image)")
    put("archive.txt", _zip_bytes(), "binary data (zip archive)")
    put("invalid-utf8.txt", b"Caf\xe9 Society Opens\n\n" + PROSE.encode() + b"\xff\n", "ok")
    put("utf16-bom.txt", ARTICLE.encode("utf-16"), "ok")
    put("utf16-nobom.txt", ARTICLE.encode("utf-16-le"), "ok")
    put("latin1.txt", ARTICLE.replace("Debate", "Débat").encode("latin-1"), "ok")
    put("mixed-endings.txt", ARTICLE.replace("\n\n", "\r\n\r").encode(), "ok")
    put("bomb.txt.gz", _bomb(50), "larger than --max-bytes")
    put("nested.txt", ("<p>" + "<div>" * 20_000 + PROSE).encode(), "ok")
    (root / "loop-a").symlink_to(root / "loop-b")
    (root / "loop-b").symlink_to(root / "loop-a")
    expected["loop-a"] = expected["loop-b"] = "broken or looping symlink"
    return expected


def test_directory_run_defines_every_outcome_and_cleans_the_rest(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    expected = _matrix(root)
    done = _run("clean", "--to", "jsonl", "--max-bytes", "10000000", str(root))
    assert done.returncode == 1  # some documents failed, the rest were cleaned
    records = _jsonl(done)
    errors = done.stderr.decode("utf-8").splitlines()
    for name, outcome in expected.items():
        if outcome == "ok":
            assert records[name]["text"], name
            assert "empty" not in records[name]
        elif outcome == "empty":
            assert records[name]["text"] == "" and records[name]["empty"] is True, name
        else:
            assert name not in records
            assert any(name in line and outcome in line for line in errors), (name, errors)
    assert records["good.txt"]["text"] == PROSE + "\n"
    assert records["utf16-nobom.txt"]["text"] == PROSE + "\n"
    assert records["latin1.txt"]["title"] == "Budget Passes After Long Débat"


def test_directory_run_to_text_tree(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    expected = _matrix(root)
    out = tmp_path / "out"
    done = _run("clean", "--max-bytes", "10000000", str(root), "-o", str(out))
    assert done.returncode == 1
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    wanted = {name for name, outcome in expected.items() if outcome in ("ok", "empty")}
    assert written == wanted
    assert (out / "good.txt").read_text(encoding="utf-8") == PROSE + "\n"
    assert (out / "chrome.txt").read_bytes() == b""


def test_single_bad_files_through_the_cli(tmp_path):
    image = tmp_path / "photo.txt"
    image.write_bytes(PNG)
    done = _run("clean", str(image))
    assert done.returncode == 1 and done.stdout == b""
    assert f"{image}: skipped: binary data (PNG image)" in done.stderr.decode()
    missing = _run("clean", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1
    assert "nope.txt: no such file or directory" in missing.stderr.decode()
    empty = _run("clean", "--to", "jsonl", "-", stdin=b"")
    assert empty.returncode == 0 and json.loads(empty.stdout)["empty"] is True


def test_big_inputs_through_the_cli(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 10_485_760)
    done = _run("clean", "--timeout", "0", str(big))
    assert done.returncode == 0 and len(done.stdout) == 52_428_800
    many = tmp_path / "many.txt"
    # (the API test above takes a million lines; the CLI a fifth, for CI time)
    many.write_bytes(b"".join(b"row %d of the table\n" % (n % 1000) for n in range(200_000)))
    done = _run("clean", "--timeout", "0", "--to", "jsonl", str(many))
    assert done.returncode == 0
    assert _jsonl(done)["many.txt"]["text"].count("\n\n") == 199_999
    capped = _run("clean", "--max-bytes", "1000", str(many))
    assert capped.returncode == 1
    assert "larger than --max-bytes (1000 bytes)" in capped.stderr.decode()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(ARTICLE, encoding="utf-8")
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running as a user (root) who can read a chmod 000 file anyway")
        with pytest.raises(InputError, match=r"secret\.txt: cannot read: Permission denied"):
            read_input(secret)
        good = tmp_path / "good.txt"
        good.write_text(ARTICLE, encoding="utf-8")
        done = _run("clean", "--to", "jsonl", str(tmp_path))
        assert done.returncode == 1
        assert "secret.txt: cannot read" in done.stderr.decode()
        assert _jsonl(done)["good.txt"]["text"] == PROSE + "\n"
    finally:
        secret.chmod(0o600)


def test_symlink_loop_alone_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    done = _run("clean", str(tmp_path / "a.txt"))
    assert done.returncode == 1
    assert "a.txt" in done.stderr.decode()
