"""make eval: measure safety and language quality of the current model (trains nothing).

    python -m tools.evaluation [--model models/spasm-aid.tar.gz] [--skip-conversations]

Prints the figures, writes reports/eval.json and PNG plots, and exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict

from spasm_aid.paths import SPACY_MODEL
from tools.evaluation import nlu, plots
from tools.evaluation.dataset import EVAL_SETS, ROOT, load_examples
from tools.report import write_report

TARGETS = {
    "red_flag_recall": (">=", 1.0),
    "urgent_recall": (">=", 1.0),
    "false_emergency_rate": ("<=", 0.01),
    "intent_macro_f1": (">=", 0.95),
    "helper_recognised": (">=", 1.0),
    # the opening and the nine emergency questions of clinical-guidance section 2 (third version):
    # first aid comes right after them; fewer only when the person's own words answered some
    "all_clear_turns_to_first_advice": ("<=", 10),
    "junk_emergency_rate": ("<=", 0.0),
    "junk_not_understood_rate": (">=", 0.9),
    "symptom_like_taken_for_junk": ("<=", 0),
    "out_of_domain_emergency_rate": ("<=", 0.02),  # one in fifty, as tests/eval/out_of_domain.yml says why
}


def target_for(key: str):
    """The target of a figure; per-set figures are named <set>.<figure>."""
    return TARGETS.get(key.split(".")[-1])


def print_nlu(f: dict) -> None:
    print(f"  red-flag recall          {f['red_flag_recall']:.1%}  (reason right {f['red_flag_reason_accuracy']:.1%})")
    if f.get("red_flag_recall_helper") is not None:
        print(f"    first person {f['red_flag_recall_first_person']:.1%}, helper {f['red_flag_recall_helper']:.1%}; "
              f"helper recognised {f['helper_recognised']:.1%}")
    for flag, info in f["per_flag"].items():
        print(f"    {flag:<24} {info['level']:<9} {info['recall']:.0%} of {info['examples']}")
    print(f"  urgent recall            {f['urgent_recall']:.1%}")
    print(f"  false emergencies        {f['false_emergency_rate']:.1%} of benign "
          f"({f['false_emergency_rate_lookalikes']:.1%} of look-alikes)")
    print(f"  intent macro-F1          {f['intent_macro_f1']:.3f} (accuracy {f['intent_accuracy']:.1%})")
    for name in ("guard_alone_emergency", "classifier_alone_emergency", "combined_emergency"):
        m = f[name]
        print(f"  {name:<28} precision {m['precision']:.1%} recall {m['recall']:.1%}")
    for key, title in (("red_flag_missed", "missed red flags"), ("urgent_missed", "missed urgent flags"),
                       ("false_emergencies", "false emergencies"), ("helper_not_recognised", "helper not recognised"),
                       ("helper_false_alarms", "first person taken for a helper")):
        if f.get(key):
            print(f"  {title}:", *f[key], sep="\n    ")


def check_targets(figures: dict) -> list:
    missed = []
    for key, value in figures.items():
        target = target_for(key)
        if value is None or target is None:
            continue
        op, bound = target
        ok = value >= bound if op == ">=" else value <= bound
        print(f"  {'ok ' if ok else 'MISS'} {key:<36} {value!s:>8}  (target {op} {bound})")
        if not ok:
            missed.append(key)
    return missed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "spasm-aid.tar.gz"))
    parser.add_argument("--out", default=str(ROOT / "reports"))
    parser.add_argument("--skip-conversations", action="store_true")
    parser.add_argument("--set", choices=["all", *EVAL_SETS], default="all", help="evaluation set(s) to score")
    parser.add_argument("--report-name", default="eval.json", help="file written under --out")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = Path(args.model)
    if not model.exists():
        print(f"No trained model at {model}: run 'make model' (or 'make test') first.", file=sys.stderr)
        return 2

    from spasm_aid.red_flags.guard import guard_for

    guard = guard_for(SPACY_MODEL)
    parser_ = nlu.ModelParser(model)
    sets = EVAL_SETS if args.set == "all" else {args.set: EVAL_SETS[args.set]}
    report: Dict[str, Any] = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "model": model.name, "sets": {}}
    figures_by_set = {}
    for set_name, path in sets.items():
        set_examples = load_examples(path)
        started = time.perf_counter()
        set_figures = nlu.score(nlu.predict(set_examples, parser_, guard))
        print(f"NLU on {len(set_examples)} messages of {path.name} ({time.perf_counter() - started:.0f} s):")
        print_nlu(set_figures)
        report["sets"][set_name] = {"nlu": set_figures}
        figures_by_set[set_name] = set_figures
    before = out / "eval_holdout_before.json"  # the held-out set before issue 13's changes
    if before.exists():
        old = json.loads(before.read_text())["sets"]["holdout"]["nlu"]
        report["holdout_before_issue13"] = {
            key: old.get(key)
            for key in ("red_flag_recall", "red_flag_recall_first_person", "red_flag_recall_helper", "helper_recognised",
                        "urgent_recall", "false_emergency_rate", "intent_macro_f1")
        }
    from tools.evaluation import junk

    junk_figures = junk.score(parser_.parse, junk.load())
    report["junk"] = junk_figures
    print(f"Junk and odd input ({junk.JUNK_PATH.name}):")
    print(f"  junk given the emergency message  {junk_figures['junk_emergency_rate']:.1%} of {junk_figures['junk_examples']}")
    print(f"  junk answered 'didn't catch that' {junk_figures['junk_not_understood_rate']:.1%}")
    print(f"  symptom-like taken for junk       {junk_figures['symptom_like_taken_for_junk']} of {junk_figures['symptom_like_examples']}")
    print(f"  symptom-like routed up            {junk_figures['symptom_like_routed_up']:.1%}")
    for key in ("junk_routed_up", "junk_answered_otherwise", "symptom_like_not_routed_up"):
        if junk_figures[key]:
            print(f"  {key}:", *junk_figures[key], sep="\n    ")
    everyday = junk.score_out_of_domain(parser_.parse, junk.load_out_of_domain())
    report["out_of_domain"] = everyday
    print(f"Everyday speech not about health ({junk.OUT_OF_DOMAIN_PATH.name}):")
    print(f"  given the emergency message       {everyday['out_of_domain_emergency_rate']:.1%} of {everyday['out_of_domain_examples']}")
    print(f"  sent to a doctor today            {everyday['out_of_domain_urgent_rate']:.1%}")
    for key in ("out_of_domain_routed_up", "out_of_domain_sent_to_a_doctor"):
        if everyday[key]:
            print(f"  {key}:", *everyday[key], sep="\n    ")
    examples = load_examples()
    nlu_figures = figures_by_set.get("messages") or next(iter(figures_by_set.values()))
    report["nlu"] = nlu_figures  # the main set, where earlier reports kept it

    figures = {}
    for set_name, set_figures in figures_by_set.items():
        for key in ("red_flag_recall", "urgent_recall", "false_emergency_rate", "intent_macro_f1", "helper_recognised"):
            if set_figures.get(key) is not None:
                figures[f"{set_name}.{key}"] = set_figures[key]
    for key in ("junk_emergency_rate", "junk_not_understood_rate", "symptom_like_taken_for_junk"):
        figures[key] = junk_figures[key]
    figures["out_of_domain_emergency_rate"] = everyday["out_of_domain_emergency_rate"]
    if not args.skip_conversations:
        from tools.evaluation import conversations

        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="spasm-aid-eval-") as workdir:
            with conversations.Served(Path(workdir), model):
                conv = conversations.evaluate(examples)
        report["conversations"] = conv
        figures["all_clear_turns_to_first_advice"] = conv["all_clear_turns_to_first_advice"]
        print(f"Conversations over REST ({time.perf_counter() - started:.0f} s):")
        print(f"  all clear reaches first advice in {conv['all_clear_turns_to_first_advice']} user turns")
        for key, value in conv.items():
            if isinstance(value, dict):
                print(f"  {key:<34} {value['passed']}/{value['checked']}")
                for failure in value["failures"][:10]:
                    print(f"      {failure}")
        plots.conversations(conv, out / "eval_conversations.png")

    plots.red_flag_recall(nlu_figures, out / "eval_red_flag_recall.png")
    plots.confusion(nlu_figures, out / "eval_confusion_matrix.png")
    plots.guard_vs_classifier(nlu_figures, out / "eval_guard_vs_classifier.png")
    print("Targets:")
    missed = check_targets(figures)
    report["targets"] = {
        k: {"target": " ".join(map(str, target_for(k))), "value": v, "met": k not in missed} for k, v in figures.items()
    }
    write_report(out / args.report_name, report)
    print(f"Written: {out / args.report_name} and eval_*.png")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
