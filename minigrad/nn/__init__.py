"""`minigrad.nn`: layers and the functional API, named as in `torch.nn`."""

from minigrad.nn import functional  # noqa: F401
from minigrad.nn.containers import ModuleList, Sequential  # noqa: F401
from minigrad.nn.conv import Conv2d  # noqa: F401
from minigrad.nn.flatten import Flatten  # noqa: F401
from minigrad.nn.module import Module, Parameter  # noqa: F401
from minigrad.nn.pooling import AvgPool2d, MaxPool2d  # noqa: F401
