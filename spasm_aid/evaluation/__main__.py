"""make eval: measure safety and language quality of the current model (trains nothing).

    python -m spasm_aid.evaluation [--model models/spasm-aid.tar.gz] [--skip-conversations]

Prints the figures, writes reports/eval.json and PNG plots, and exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from spasm_aid.evaluation import nlu, plots
from spasm_aid.evaluation.dataset import ROOT, load_examples

TARGETS = {
    "red_flag_recall": (">=", 1.0),
    "urgent_recall": (">=", 1.0),
    "false_emergency_rate": ("<=", 0.02),
    "intent_macro_f1": (">=", 0.95),
    "all_clear_turns_to_first_advice": ("<=", 8),
}


def check_targets(figures: dict) -> list:
    missed = []
    for key, (op, bound) in TARGETS.items():
        value = figures.get(key)
        if value is None:
            continue
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
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = Path(args.model)
    if not model.exists():
        print(f"No trained model at {model}: run 'make model' (or 'make test') first.", file=sys.stderr)
        return 2

    from spasm_aid.red_flags.guard import guard_for

    examples = load_examples()
    started = time.perf_counter()
    predictions = nlu.predict(examples, nlu.ModelParser(model), guard_for("models/spacy_en"))
    nlu_figures = nlu.score(predictions)
    print(f"NLU on {len(examples)} evaluation messages ({time.perf_counter() - started:.0f} s):")
    print(f"  red-flag recall          {nlu_figures['red_flag_recall']:.1%}  (reason right {nlu_figures['red_flag_reason_accuracy']:.1%})")
    for flag, info in nlu_figures["per_flag"].items():
        print(f"    {flag:<24} {info['level']:<9} {info['recall']:.0%} of {info['examples']}")
    print(f"  urgent recall            {nlu_figures['urgent_recall']:.1%}")
    print(f"  false emergencies        {nlu_figures['false_emergency_rate']:.1%} of benign "
          f"({nlu_figures['false_emergency_rate_lookalikes']:.1%} of look-alikes)")
    print(f"  intent macro-F1          {nlu_figures['intent_macro_f1']:.3f} (accuracy {nlu_figures['intent_accuracy']:.1%})")
    for name in ("guard_alone_emergency", "classifier_alone_emergency", "combined_emergency"):
        m = nlu_figures[name]
        print(f"  {name:<28} precision {m['precision']:.1%} recall {m['recall']:.1%}")
    if nlu_figures["red_flag_missed"]:
        print("  missed red flags:", *nlu_figures["red_flag_missed"], sep="\n    ")
    if nlu_figures["urgent_missed"]:
        print("  missed urgent flags:", *nlu_figures["urgent_missed"], sep="\n    ")
    if nlu_figures["false_emergencies"]:
        print("  false emergencies:", *nlu_figures["false_emergencies"], sep="\n    ")

    report = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "model": model.name, "nlu": nlu_figures}
    figures = {k: nlu_figures[k] for k in ("red_flag_recall", "urgent_recall", "false_emergency_rate", "intent_macro_f1")}
    if not args.skip_conversations:
        from spasm_aid.evaluation import conversations

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
    report["targets"] = {k: {"target": f"{op} {b}", "value": figures.get(k), "met": k not in missed} for k, (op, b) in TARGETS.items()}
    (out / "eval.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"Written: {out / 'eval.json'} and eval_*.png")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
