"""The evaluation harness: `bot eval` and ``run_eval``.

    dataset.py   versioned eval sets (seeds/eval/*.yaml) and their schema
    metrics.py   pure metric functions
    support.py   the offline support judge (embeddings + lexical, calibrated)
    runner.py    configurations x cases through the Bot API, the regression gate
    report.py    report.json, report.md, PNG charts, RAGAS export
"""

from bot.eval.runner import check_gate, configurations, run_eval

__all__ = ["run_eval", "check_gate", "configurations"]
