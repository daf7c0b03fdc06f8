"""classification_report: precision, recall, F1 and support per class, in one table.

    python: print(metrics.classification_report(y_true, y_pred))

                  precision    recall  f1-score   support

               0       0.50      1.00      0.67         1
               1       0.00      0.00      0.00         1
               2       1.00      0.67      0.80         3

        accuracy                           0.60         5
       macro avg       0.50      0.56      0.49         5
    weighted avg       0.70      0.60      0.61         5

Support is the number of true samples of the class. The layout is scikit-learn's, so a
report reads the same from either library.
"""

import numpy as np

from minigrad.metrics.classification import confusion_counts, precision_recall_f1

COLUMNS = ("precision", "recall", "f1-score", "support")
COLUMN_WIDTH = 9


def classification_report(y_true, y_pred, *, num_classes=None, target_names=None, digits=2,
                          output_dict=False):
    """The table as text, or with output_dict=True as a dict: {class name: {"precision": ...,
    "recall": ..., "f1-score": ..., "support": ...}, "accuracy": ..., "macro avg": {...},
    "weighted avg": {...}}.

    The classes listed are those that occur in y_true or y_pred, or all num_classes when it is
    given (the classes the macro average counts); target_names names them in that order.
    A class never predicted has precision 0 (never present: recall 0), scikit-learn's default.
    """
    op = "classification_report"
    counts = confusion_counts(op, y_true, y_pred, num_classes)
    support = counts.sum(axis=1)
    listed = np.arange(len(counts)) if num_classes is not None else np.flatnonzero(support + counts.sum(0))
    if target_names is None:
        target_names = [str(c) for c in listed]
    elif len(target_names) != len(listed):
        raise ValueError(f"{op}: {len(target_names)} target_names for {len(listed)} classes "
                         f"{listed.tolist()}")
    per_class = precision_recall_f1(y_true, y_pred, average=None, num_classes=len(counts))
    report = {
        str(name): _row(*(score[c] for score in per_class), support[c])
        for name, c in zip(target_names, listed)
    }
    report["accuracy"] = float(np.trace(counts) / support.sum())
    for average in ("macro", "weighted"):
        scores = precision_recall_f1(y_true, y_pred, average=average, num_classes=num_classes)
        report[f"{average} avg"] = _row(*scores, support.sum())
    return report if output_dict else _as_text(report, digits)


def _row(precision, recall, f1, support):
    return dict(zip(COLUMNS, (float(precision), float(recall), float(f1), int(support))))


def _as_text(report, digits):
    width = max(*(len(name) for name in report), digits)
    column = f" {{:>{COLUMN_WIDTH}.{digits}f}}"

    def line(name, *scores, support):
        cells = "".join(" " * (COLUMN_WIDTH + 1) if s is None else column.format(s) for s in scores)
        return f"{name:>{width}} {cells} {support:>{COLUMN_WIDTH}}\n"

    header = f"{'':>{width}} " + "".join(f" {title:>{COLUMN_WIDTH}}" for title in COLUMNS)
    averages = ("macro avg", "weighted avg")
    class_lines = [line(name, *(row[score] for score in COLUMNS[:3]), support=row["support"])
                   for name, row in report.items() if name != "accuracy" and name not in averages]
    total = report["macro avg"]["support"]
    summary = [line("accuracy", None, None, report["accuracy"], support=total)]
    summary += [line(name, *(report[name][score] for score in COLUMNS[:3]), support=total)
                for name in averages]
    return header + "\n\n" + "".join(class_lines) + "\n" + "".join(summary)
