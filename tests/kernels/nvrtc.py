"""NVRTC, the run-time CUDA compiler CuPy uses, called directly through ctypes.

CuPy compiles RawModule code with NVRTC, not nvcc: no host compiler, no system headers, and
its own front end. Calling the same library here, with the options CuPy adds, checks the
kernels as CuPy will build them, on a machine with no GPU (NVRTC needs no driver).

The library comes from the `nvidia-cuda-nvrtc` wheel (the test extra installs it on Linux
x86-64) or a CUDA toolkit; `load()` returns None where neither is there.
"""

import ctypes
import glob
import importlib.util
import os

# What CuPy adds to a RawModule's own options (cupy/_core/core.pyx and cupy/cuda/compiler.py,
# CuPy 14): flush denormals to zero, and cubin for the device's architecture. Its include
# directories are left out: the kernels include nothing but their own header, pasted in.
CUPY_OPTIONS = ("-ftz=true",)


def load():
    """The NVRTC shared library, or None if it is not installed."""
    for path in _candidates():
        try:
            _load_builtins_beside(path)
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def _load_builtins_beside(path):
    """NVRTC dlopens libnvrtc-builtins by name at its first compile; a wheel's library folder
    is not on the loader's path, so load the one beside it first (the loader then finds it
    by its soname)."""
    for builtins in sorted(glob.glob(os.path.join(os.path.dirname(path), "libnvrtc-builtins.so.*"))):
        if ".alt." not in builtins:
            ctypes.CDLL(builtins, mode=ctypes.RTLD_GLOBAL)


def _candidates():
    spec = importlib.util.find_spec("nvidia")
    roots = list(spec.submodule_search_locations) if spec else []
    for root in roots:
        yield from sorted(glob.glob(os.path.join(root, "cu*", "lib", "libnvrtc.so.*")))
        yield from sorted(glob.glob(os.path.join(root, "cuda_nvrtc", "lib", "libnvrtc.so.*")))
    for home in (os.environ.get("CUDA_PATH"), os.environ.get("CUDA_HOME"), "/usr/local/cuda"):
        if home:
            yield from sorted(glob.glob(os.path.join(home, "lib64", "libnvrtc.so*")))
    yield "libnvrtc.so"


class CompileError(Exception):
    pass


def compile_program(library, source, options, name="kernel.cu"):
    """Compile `source` with `options`; return (PTX text or None, cubin bytes or None, log).

    With -arch=compute_XX NVRTC makes PTX; with -arch=sm_XX (what CuPy asks for) a cubin.
    Raises CompileError with NVRTC's log when compilation fails.
    """
    program = ctypes.c_void_p()
    _check(library, library.nvrtcCreateProgram(
        ctypes.byref(program), source.encode(), name.encode(), 0, None, None
    ))
    try:
        encoded = [option.encode() for option in options]
        array = (ctypes.c_char_p * len(encoded))(*encoded)
        status = library.nvrtcCompileProgram(program, len(encoded), array)
        log = _read(library, program, "nvrtcGetProgramLogSize", "nvrtcGetProgramLog").decode()
        if status != 0:
            raise CompileError(f"{_error_string(library, status)}\n{log}")
        ptx = cubin = None
        if any(option.startswith("-arch=compute_") for option in options):
            ptx = _read(library, program, "nvrtcGetPTXSize", "nvrtcGetPTX").rstrip(b"\0").decode()
        else:
            cubin = _read(library, program, "nvrtcGetCUBINSize", "nvrtcGetCUBIN")
        return ptx, cubin, log
    finally:
        library.nvrtcDestroyProgram(ctypes.byref(program))


def version(library):
    major, minor = ctypes.c_int(), ctypes.c_int()
    _check(library, library.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor)))
    return major.value, minor.value


def _read(library, program, size_function, read_function):
    size = ctypes.c_size_t()
    _check(library, getattr(library, size_function)(program, ctypes.byref(size)))
    buffer = ctypes.create_string_buffer(size.value)
    _check(library, getattr(library, read_function)(program, buffer))
    return buffer.raw


def _check(library, status):
    if status != 0:
        raise CompileError(_error_string(library, status))


def _error_string(library, status):
    library.nvrtcGetErrorString.restype = ctypes.c_char_p
    return library.nvrtcGetErrorString(status).decode()
