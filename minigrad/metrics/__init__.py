"""`minigrad.metrics`: how good is a trained model? (with scikit-learn's conventions)

classification      accuracy, top_k_accuracy, balanced_accuracy, confusion_matrix,
                    precision / recall / F1 (per class, or macro / micro / weighted averages)
agreement           matthews_corrcoef, cohen_kappa: agreement corrected for chance
report              classification_report: the per-class table, as text or a dict
scoring_rules       log_loss, brier_score: how good the predicted probabilities are
roc                 roc_curve, auc, roc_auc_score (binary, or one-vs-rest for several classes)
pr_curve            precision_recall_curve, average_precision
regression          mean_absolute_error, mean_squared_error, root_mean_squared_error,
                    mean_absolute_percentage_error, r2_score, explained_variance
cross_validation    KFold, StratifiedKFold, LeaveOneOut and cross_validate, to estimate how a
                    model does on data it was not trained on

Everything accepts Tensors, numpy arrays or lists and returns plain Python numbers or numpy
arrays: metrics are computed once per evaluation, outside any autograd graph.
"""

from minigrad.metrics.agreement import cohen_kappa, matthews_corrcoef  # noqa: F401
from minigrad.metrics.classification import (  # noqa: F401
    accuracy,
    balanced_accuracy,
    confusion_matrix,
    f1_score,
    precision_recall_f1,
    precision_score,
    recall_score,
    top_k_accuracy,
)
from minigrad.metrics.cross_validation import (  # noqa: F401
    KFold,
    LeaveOneOut,
    StratifiedKFold,
    cross_validate,
)
from minigrad.metrics.pr_curve import average_precision, precision_recall_curve  # noqa: F401
from minigrad.metrics.regression import (  # noqa: F401
    explained_variance,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)
from minigrad.metrics.report import classification_report  # noqa: F401
from minigrad.metrics.roc import auc, roc_auc_score, roc_curve  # noqa: F401
from minigrad.metrics.scoring_rules import brier_score, log_loss  # noqa: F401
