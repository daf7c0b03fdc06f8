"""`minigrad.nn`: layers and the functional API, named as in `torch.nn`."""

from minigrad.nn import functional  # noqa: F401
from minigrad.nn import utils  # noqa: F401
from minigrad.nn.containers import ModuleList, Sequential  # noqa: F401
from minigrad.nn.module import Module, Parameter  # noqa: F401
