"""Make torchsde importable from its source tree, without installing it.

torchsde (google-research/torchsde) needs torch, numpy and one small pure-Python
package, `trampoline` (setup.py: "trampoline>=0.1.2"), which Debian does not
package. scipy is listed too but only torchsde's own tests import it; boltons is
not imported at all. So the only stub is `trampoline`, written here from its
documented semantics:

- `trampoline.trampoline(generator)` runs a generator-based recursion without
  growing the Python stack. Inside the generator,
  `value = yield child_generator` runs the child to completion and sends its
  return value back, and `raise trampoline.TailCall(child_generator)` replaces
  the current generator by the child (a tail call). The generator's `return x`
  is the result.

torchsde's Brownian code (`_brownian/brownian_interval.py`) uses exactly these
two names, in `_Interval._loc_inner` and
`_Interval._increment_and_space_time_levy_area`. The stub is installed only when
the real package is not importable.

Usage:
    from torchsde_shim import import_torchsde
    torchsde = import_torchsde("/work/refs/google-research+torchsde")
"""

import sys
import types


class _TailCall(BaseException):
    """`raise TailCall(gen)`: replace the running generator by `gen`.

    BaseException (not Exception) so that an `except KeyError` / `except
    Exception` inside the generator does not swallow it."""

    def __init__(self, call):
        super().__init__()
        self.call = call


def _trampoline(generator):
    """Run `generator` and every generator it yields or tail-calls; return its result."""
    stack = [generator]
    value = None  # sent into the top generator: None on its first step, else a child's result
    error = None  # an exception raised by a child, rethrown into its parent
    while stack:
        top = stack[-1]
        try:
            if error is not None:
                pending, error = error, None
                child = top.throw(pending)
            else:
                child = top.send(value)
        except StopIteration as finished:
            stack.pop()
            value = finished.value
            continue
        except _TailCall as tail:
            stack[-1] = tail.call
            value = None
            continue
        except BaseException as raised:  # noqa: B902 - propagate to the parent generator
            stack.pop()
            if not stack:
                raise
            error = raised
            continue
        stack.append(child)
        value = None
    return value


def _trampoline_stub():
    module = types.ModuleType("trampoline")
    module.__doc__ = "Stub of the `trampoline` package (see torchsde_shim.py)."
    module.TailCall = _TailCall
    module.trampoline = _trampoline
    return module


def import_torchsde(source_dir):
    """Import torchsde from `source_dir` (the repository root holding torchsde/).

    Installs the `trampoline` stub first if the real package is missing. Returns the
    torchsde module."""
    try:
        import trampoline  # noqa: F401
    except ImportError:
        sys.modules["trampoline"] = _trampoline_stub()
    source_dir = str(source_dir)
    if source_dir not in sys.path:
        sys.path.insert(0, source_dir)
    import torchsde
    return torchsde
