"""Pictures of the evaluation, written next to reports/eval.json."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt  # noqa: E402


def red_flag_recall(nlu: Dict[str, Any], path: Path) -> None:
    flags = list(nlu["per_flag"].items())
    names = [f"{name} ({info['level']})" for name, info in flags]
    values = [info["recall"] or 0 for _, info in flags]
    colours = ["#c0392b" if info["level"] == "emergency" else "#e67e22" for _, info in flags]
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(flags) + 1.5))
    ax.barh(names, values, color=colours)
    ax.axvline(1.0, color="black", linewidth=1, linestyle="--")
    for y, value in enumerate(values):
        ax.text(min(value, 1.0) - 0.01, y, f"{value:.0%}", va="center", ha="right", color="white", fontsize=8)
    ax.set_xlim(0, 1.02)
    ax.invert_yaxis()
    ax.set_xlabel("share routed correctly (emergency: call now; urgent: doctor today or higher)")
    ax.set_title(
        f"Red-flag recall {nlu['red_flag_recall']:.1%} overall; false emergencies {nlu['false_emergency_rate']:.1%} of benign"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def confusion(nlu: Dict[str, Any], path: Path) -> None:
    labels: List[str] = nlu["confusion_matrix"]["labels"]
    matrix = nlu["confusion_matrix"]["matrix"]
    fig, ax = plt.subplots(figsize=(11, 10))
    shown = [[min(v, 20) for v in row] for row in matrix]
    ax.imshow(shown, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=7, color="red" if i != j else "black")
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("expected intent")
    ax.set_title(f"Intent confusion matrix (macro-F1 {nlu['intent_macro_f1']:.3f}; off-diagonal in red)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def guard_vs_classifier(nlu: Dict[str, Any], path: Path) -> None:
    systems = [
        ("guard alone", nlu["guard_alone_emergency"]),
        ("classifier alone", nlu["classifier_alone_emergency"]),
        ("combined (shipped)", nlu["combined_emergency"]),
    ]
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.35
    for offset, metric, colour in ((-width / 2, "precision", "#2980b9"), (width / 2, "recall", "#c0392b")):
        values = [(m[metric] or 0) for _, m in systems]
        bars = ax.bar([i + offset for i in range(len(systems))], values, width, label=metric, color=colour)
        for bar, value in zip(bars, values, strict=False):
            ax.text(bar.get_x() + bar.get_width() / 2, value + 0.01, f"{value:.1%}", ha="center", fontsize=8)
    ax.set_xticks(range(len(systems)), [name for name, _ in systems])
    ax.set_ylim(0, 1.1)
    ax.set_title("Emergency detection: precision and recall")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def conversations(conv: Dict[str, Any], path: Path) -> None:
    checks = [(k, v) for k, v in conv.items() if isinstance(v, dict) and "pass_rate" in v]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    names = [f"{k.replace('_', ' ')} ({v['passed']}/{v['checked']})" for k, v in checks]
    values = [v["pass_rate"] or 0 for _, v in checks]
    ax.barh(names, values, color="#27ae60")
    ax.set_xlim(0, 1.02)
    ax.invert_yaxis()
    turns = conv.get("all_clear_turns_to_first_advice")
    ax.set_title(f"Scripted conversations over REST; all clear reaches advice in {turns} user turns")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
