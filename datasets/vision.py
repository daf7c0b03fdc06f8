"""The downloaded image sets as Dataset objects under torchvision's names.

    train = CIFAR10(train=True, download=True, transform=transforms.RandomHorizontalFlip())
    loader = DataLoader(train, batch_size=64, shuffle=True)
    train.classes[train.targets[0]]

Each class is its load_* function's arrays in a TensorDataset, wrapped in a TransformedDataset
for `transform` (on one image, a numpy array (C, H, W) float32 in [0, 1]: see
minigrad.data.transforms) and `target_transform` (on one int64 label). Loading everything
up front is fine at these sizes (CIFAR-10's training set is 600 MB as float32). Without
transforms, `TensorDataset(*load_cifar10())` batches faster: the DataLoader cuts a batch from
its arrays in one step instead of fetching samples one by one.

Unlike torchvision, `root` is the directory that holds the files themselves (default: the
cache, $MINIGRAD_DATA/<name>), not a parent in which a folder per data set is made.
"""

from datasets.cifar import (
    CIFAR10_CLASSES,
    CIFAR100_CLASSES,
    load_cifar10,
    load_cifar100,
)
from datasets.fashion_mnist import FASHION_MNIST_CLASSES, load_fashion_mnist
from datasets.mnist import load_mnist
from minigrad.data.dataset import TensorDataset, TransformedDataset


class _ImageDataset(TransformedDataset):
    """`load` (a load_* function) as a Dataset; subclasses name it and the `classes`."""

    load = None
    classes = ()

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        images, labels = self.load(train=train, root=root, download=download)
        super().__init__(TensorDataset(images, labels), transform, target_transform)
        self.data, self.targets, self.train = images, labels, train
        self.class_to_idx = {name: index for index, name in enumerate(self.classes)}


class MNIST(_ImageDataset):
    """MNIST digits: samples (image (1, 28, 28) float32, label int64); see datasets/mnist.py."""

    load = staticmethod(load_mnist)
    classes = ("0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine")


class FashionMNIST(_ImageDataset):
    """Fashion-MNIST clothes: samples like MNIST's; see datasets/fashion_mnist.py."""

    load = staticmethod(load_fashion_mnist)
    classes = FASHION_MNIST_CLASSES


class CIFAR10(_ImageDataset):
    """CIFAR-10 photos: samples (image (3, 32, 32) float32, label int64); see datasets/cifar.py."""

    load = staticmethod(load_cifar10)
    classes = CIFAR10_CLASSES


class CIFAR100(_ImageDataset):
    """CIFAR-100 photos with their fine labels (load_cifar100 also gives the coarse ones)."""

    load = staticmethod(load_cifar100)
    classes = CIFAR100_CLASSES
