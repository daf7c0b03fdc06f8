"""`minigrad.nn`: layers and the functional API, named as in `torch.nn`."""

from minigrad.nn import functional, utils  # noqa: F401
from minigrad.nn.containers import ModuleList, Sequential  # noqa: F401
from minigrad.nn.module import Module, Parameter  # noqa: F401
from minigrad.nn.loss import (  # noqa: F401
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
