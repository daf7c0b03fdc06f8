"""`minigrad.metrics`: how good is a trained model? (with scikit-learn's conventions)

classification      accuracy, confusion_matrix, precision / recall / F1
roc                 roc_curve, auc, roc_auc_score for binary scores
cross_validation    KFold, LeaveOneOut and cross_validate, to estimate how a model does on
                    data it was not trained on

Everything accepts Tensors, numpy arrays or lists and returns plain Python numbers or numpy
arrays: metrics are computed once per evaluation, outside any autograd graph.
"""

from minigrad.metrics.classification import (  # noqa: F401
    accuracy,
    confusion_matrix,
    f1_score,
    precision_recall_f1,
    precision_score,
    recall_score,
)
from minigrad.metrics.cross_validation import KFold, LeaveOneOut, cross_validate  # noqa: F401
from minigrad.metrics.roc import auc, roc_auc_score, roc_curve  # noqa: F401
