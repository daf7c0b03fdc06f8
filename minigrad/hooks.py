"""`RemovableHandle`: what `register_forward_hook`, `Tensor.register_hook` and friends return
(torch.utils.hooks).

A hook lives in a dict of its owner (a module, or a tensor's place in the graph) under a key
that is never reused; the handle remembers the dict and the key, so `handle.remove()` takes
off exactly that hook, even after others were added or removed.
`with module.register_forward_hook(hook):` removes it on leaving the block.
"""

import itertools


class RemovableHandle:
    _next_id = itertools.count()

    def __init__(self, hooks):
        self.hooks, self.id = hooks, next(RemovableHandle._next_id)

    @classmethod
    def add(cls, hooks, hook, prepend=False):
        """Put `hook` last in the dict `hooks` (they run in registration order), or first with
        `prepend=True` (then `hooks` must be an OrderedDict, as a module's are)."""
        handle = cls(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()
