"""The command line as facility IT staff and operators use it.

The commands run in this process through ``main`` (``python -m pipelines.cli`` only exits with the code it
returns): exit status, standard output and standard error are the command's, without a new interpreter, its
imports and its reading of the XSDs for every call (about 2 s each). How a command starts as a process of its
own is the first test's subject, and it keeps a real process.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest

from pipelines.cli import COMMANDS, main
from pipelines.common.paths import data_dir
from pipelines.generate.assessments import assessment_rows
from pipelines.generate.envelope import message_document
from pipelines.generate.landing import Manifest, generate_landing
from pipelines.generate.signing import sign_signxml
from pipelines.generate.writer import LandingWriter
from pipelines.standard import load_registry

SAMPLE = data_dir() / "sample"


def test_a_command_starts_without_prefect_and_without_the_other_commands_modules():
    """Prefect is more than half of a command's start: only ingest, demo and bench import it; and a command
    imports its own module only (pipelines/cli/__init__.py's COMMANDS): ``verify`` no generator, no payment
    report (openpyxl), no other command's module."""
    others = ("prefect", "pipelines.generate.landing", "pipelines.marts.report", "openpyxl",
              "pipelines.cli.nights", "pipelines.cli.catalog", "pipelines.cli.operations")
    check = (
        "import sys; from pipelines.cli import main; code = main(sys.argv[1:]); "
        f"print(code, [m for m in {others!r} if m in sys.modules], 'pipelines.cli.verify' in sys.modules)"
    )
    path = next((SAMPLE / "landing").glob("*/inbox/sig_other_facility.xml"))
    out = subprocess.run([sys.executable, "-c", check, "verify", str(path), "--trust", str(SAMPLE / "trust")],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[-1] == "1 [] True", out.stdout[-2000:] + out.stderr[-2000:]


def test_the_help_lists_every_command_with_its_help(run):
    """Without a command's name every command's module is read: the help lists them all."""
    done = run("--help")
    assert done.returncode == 0
    listed = dict(re.findall(r"^    ([a-z-]+) +(\S.*)$", done.stdout, flags=re.M))
    assert sorted(listed) == sorted(COMMANDS) and all(listed.values()), done.stdout
    misspelt = run("verfy")
    assert misspelt.returncode == 2 and "invalid choice" in misspelt.stderr and "verify" in misspelt.stderr


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """``bhyt-etl ARGS`` in this process: its exit status (argparse's refusals included), what it printed."""

    def command(*args: str) -> Done:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refusing its arguments exits 2, as the command does
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return Done(code, out.out, out.err)

    return command


def test_verify_prints_the_receipt_of_a_good_file_and_exits_0(run):
    manifest = Manifest.read(SAMPLE / "landing" / "manifest.json")
    entry = next(e for e in manifest.files if e.kind == "claim")
    proc = run("verify", str(SAMPLE / "landing" / entry.path), "--trust", str(SAMPLE / "trust"))
    assert proc.returncode == 0, proc.stderr
    receipt = json.loads(proc.stdout)
    assert receipt["status"] == "accepted" and receipt["macskcb"] == entry.macskcb
    assert [c["ma_lk"] for c in receipt["claims"]] == [c.ma_lk for c in entry.claims]


def test_verify_explains_a_rejected_file_and_exits_1(run):
    path = next((SAMPLE / "landing").glob("*/inbox/sig_other_facility.xml"))
    proc = run("verify", str(path), "--trust", str(SAMPLE / "trust"))
    assert proc.returncode == 1
    receipt = json.loads(proc.stdout)
    assert receipt["status"] == "rejected"
    error = receipt["errors"][0]
    assert error["code"] == "SIG.NOT_BOUND" and error["message_vi"] and error["message_en"]


def test_verify_with_a_missing_trust_directory_says_so(run, tmp_path):
    path = next((SAMPLE / "landing").glob("*/inbox/sig_expired.xml"))
    proc = run("verify", str(path), "--trust", str(tmp_path / "nowhere"))
    assert proc.returncode == 2
    assert "roots.pem" in proc.stderr and "Traceback" not in proc.stderr


def test_verify_strict_counts_conformance_warnings_as_errors(run, tmp_path):
    """A file written as a real exporter writes it: accepted with STD warnings; --strict rejects it."""
    manifest = generate_landing(tmp_path / "landing", tmp_path / "trust", facilities=2, claims=12, seed=4,
                                shapes="real")
    entry = next(e for e in manifest.files if e.expected_codes)
    path = str(tmp_path / "landing" / entry.path)
    lenient = run("verify", path, "--trust", str(tmp_path / "trust"))
    assert lenient.returncode == 0, lenient.stderr
    receipt = json.loads(lenient.stdout)
    assert receipt["status"] == "accepted"
    warned = {e["code"] for e in receipt["errors"] if e["severity"] == "warning"}
    assert set(entry.expected_codes) <= warned
    strict = run("verify", path, "--trust", str(tmp_path / "trust"), "--strict")
    assert strict.returncode == 1
    receipt = json.loads(strict.stdout)
    assert receipt["status"] == "rejected"
    assert set(entry.expected_codes) <= {e["code"] for e in receipt["errors"] if e["severity"] == "error"}


def test_verify_a_stand_alone_xml12_message_and_strict_on_it(run, tmp_path):
    """XML12 in its own signed message: verify accepts it and lists its records; written in another element
    order it is accepted with STD.ORDER, which --strict refuses; outside an inbox folder the facility must be
    given, since the message names none."""
    w = LandingWriter(tmp_path / "landing", tmp_path / "trust", 1, 7, "2026-10")
    w.pki.write_trust_dir(tmp_path / "trust")
    w._patient_pool(5)
    fac = w.facilities[0].macskcb
    doc = message_document(load_registry().latest("XML12"), assessment_rows(w, random.Random(1), 2))
    reordered = re.sub(rb"(<NGUOI_CHU_TRI>.*?</NGUOI_CHU_TRI>)(.*?)(</GIAM_DINH_YKHOA>)", rb"\2\1\3", doc)
    inbox = tmp_path / "landing" / fac / "inbox"
    inbox.mkdir(parents=True)
    for name, unsigned in (("plain.xml", doc), ("reordered.xml", reordered)):
        (inbox / name).write_bytes(sign_signxml(unsigned, w.pki.facility[fac]))
    trust = str(tmp_path / "trust")
    for strict in ((), ("--strict",)):
        proc = run("verify", str(inbox / "plain.xml"), "--trust", trust, *strict)
        assert proc.returncode == 0, proc.stderr
        receipt = json.loads(proc.stdout)
        assert receipt["status"] == "accepted" and receipt["message"] == "XML12" and receipt["errors"] == []
        assert [r["message_stt"] for r in receipt["records"]] == [1, 2]
    lenient = run("verify", str(inbox / "reordered.xml"), "--trust", trust)
    assert lenient.returncode == 0, lenient.stderr
    warned = json.loads(lenient.stdout)["errors"]
    assert [(e["code"], e["severity"]) for e in warned] == [("STD.ORDER", "warning")]
    strict = run("verify", str(inbox / "reordered.xml"), "--trust", trust, "--strict")
    assert strict.returncode == 1
    receipt = json.loads(strict.stdout)
    assert receipt["status"] == "rejected" and "records" not in receipt
    assert [(e["code"], e["severity"]) for e in receipt["errors"]] == [("STD.ORDER", "error")]
    elsewhere = tmp_path / "message.xml"
    elsewhere.write_bytes((inbox / "plain.xml").read_bytes())
    unnamed = run("verify", str(elsewhere), "--trust", trust)
    assert unnamed.returncode == 2 and "--facility" in unnamed.stderr and "Traceback" not in unnamed.stderr
    named = run("verify", str(elsewhere), "--trust", trust, "--facility", fac)
    assert named.returncode == 0 and json.loads(named.stdout)["status"] == "accepted"


def test_bench_refuses_a_files_argument_that_is_not_two_growing_night_sizes(run):
    for bad, said in (("500", "give two night sizes"), ("900,200", "the small night must be the smaller")):
        done = run("bench", "--files", bad)
        assert done.returncode == 2, done.stderr
        assert said in done.stderr and "Traceback" not in done.stderr
