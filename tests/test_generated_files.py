"""What is generated from the triage table must match it: the conversation tests, and the
clinical model's answer slots, form order and topic rules."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("generator", ["tools.make_conversation_tests", "tools.make_clinical_model", "tools.make_alexa_model"])
def test_generated_files_are_up_to_date(generator):
    result = subprocess.run([sys.executable, "-m", generator, "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_clinical_model_follows_a_change_to_the_table(tmp_path, monkeypatch):
    """A new urgent question in the table gets its answer slot (with the urgent-flag mapping) and
    its place in the form, without editing domain.yml by hand."""
    import yaml

    from spasm_aid import triage
    from tools import make_clinical_model

    raw = yaml.safe_load((ROOT / "spasm_aid" / "triage_table.yml").read_text())
    raw["flags"]["new_flag"] = "urgent"
    after_fever = [q["slot"] for q in raw["questions"]].index("screen_fever") + 1
    raw["questions"].insert(after_fever, {"slot": "screen_new_flag", "level": "urgent", "flags": ["new_flag"]})
    table = triage._parse_table(raw, "test")
    slots = make_clinical_model.slots_section(table)
    block = slots[slots.index("  screen_new_flag:"):].split("\n  screen_")[0]
    assert "requested_slot: screen_new_flag" in block and "intent: urgent_flag" in block
    forms = make_clinical_model.forms_section(table)
    assert forms.index("screen_fever") < forms.index("screen_new_flag") < forms.index("screen_steroids")
