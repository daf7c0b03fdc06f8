"""`minigrad.optim`: optimizers and learning-rate schedules, named as in `torch.optim`.

    import minigrad.optim as optim
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
"""

from minigrad.optim import lr_scheduler  # noqa: F401
from minigrad.optim.adadelta import Adadelta  # noqa: F401
from minigrad.optim.adagrad import Adagrad  # noqa: F401
from minigrad.optim.adam import Adam, AdamW  # noqa: F401
from minigrad.optim.adamax import Adamax  # noqa: F401
from minigrad.optim.asgd import ASGD  # noqa: F401
from minigrad.optim.lbfgs import LBFGS  # noqa: F401
from minigrad.optim.nadam import NAdam  # noqa: F401
from minigrad.optim.optimizer import Optimizer  # noqa: F401
from minigrad.optim.radam import RAdam  # noqa: F401
from minigrad.optim.rmsprop import RMSprop  # noqa: F401
from minigrad.optim.rprop import Rprop  # noqa: F401
from minigrad.optim.sgd import SGD  # noqa: F401
