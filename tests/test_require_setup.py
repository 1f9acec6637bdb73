"""`make test` turns a skip for something make installs into a failure (tests/conftest.py), so a
fresh machine or CI cannot pass while quietly leaving tests out; a server that is not running
may still skip."""
import os
import shutil
import subprocess
import sys

from tests.conftest import ROOT

TESTS = '''
import pytest

def test_needs_flite():
    pytest.skip("flite speaks it: run 'make test' (it installs it)")

@pytest.mark.skipif(True, reason="nginx not installed (make installs it)")
def test_needs_nginx():
    pass

def test_needs_redis():
    pytest.skip("no Redis at 127.0.0.1:6379: the lock store needs one")
'''


def run(tmp_path, require):
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_skips.py").write_text(TESTS)
    env = {**os.environ, "SPASM_AID_REQUIRE_SETUP": "1" if require else ""}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120).stdout


def test_after_make_a_skip_for_a_missing_program_fails_and_a_missing_server_still_skips(tmp_path):
    out = run(tmp_path, require=True)
    assert "FAILED" in out and "test_needs_flite" in out and "skipped after make set everything up" in out
    assert "ERROR" in out and "test_needs_nginx" in out
    assert "1 skipped" in out and "no Redis" in out


def test_without_make_every_skip_stays_a_skip(tmp_path):
    assert "3 skipped" in run(tmp_path, require=False)
