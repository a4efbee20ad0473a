"""The implementations under test, one function each: a (b, d) NumPy array in,
a (d,) array out, in the input's dtype.

Used by adapter.py (one process per call) and server.py (loaded once, called
through client.py), so both paths run the same code.
"""
import threading

import numpy as np

_byzfl_lock = threading.Lock()


def _byzfl_aggregators():
    with _byzfl_lock:  # server.py calls from several threads
        return _load_byzfl_aggregators()


def _load_byzfl_aggregators():
    # byzfl/__init__.py imports byzfl.benchmark, which imports torchvision;
    # with the CPU-only torch wheel the torchvision wheel's compiled ops do
    # not load. The aggregators need only torch, NumPy and SciPy, so the
    # package is registered without running its __init__ and the aggregators
    # module is imported from the installed files, unchanged.
    import importlib.util, sys, types, os
    if "byzfl.aggregators.aggregators" in sys.modules:
        return sys.modules["byzfl.aggregators.aggregators"]
    spec = importlib.util.find_spec("byzfl")
    root = os.path.dirname(spec.origin)
    for name, path in [("byzfl", root), ("byzfl.utils", os.path.join(root, "utils")),
                       ("byzfl.aggregators", os.path.join(root, "aggregators"))]:
        module = types.ModuleType(name)
        module.__path__ = [path]
        sys.modules[name] = module
    import byzfl.aggregators.aggregators as aggregators
    return aggregators


def geom_median_numpy(x, **_):
    from geom_median.numpy import compute_geometric_median
    # Package defaults: eps=1e-6 (smoothing), maxiter=100, ftol=1e-20.
    return np.asarray(compute_geometric_median(x).median)


def geom_median_torch(x, **_):
    import torch
    from geom_median.torch import compute_geometric_median
    return compute_geometric_median(torch.from_numpy(x)).median.numpy()


def byzfl_geometric_median(x, **_):
    # Package defaults: nu=0.1, T=3.
    return np.asarray(_byzfl_aggregators().GeometricMedian()(x))


def byzfl_median(x, **_):
    return np.asarray(_byzfl_aggregators().Median()(x))


def byzfl_median_torch(x, **_):
    import torch
    return _byzfl_aggregators().Median()(torch.from_numpy(x)).numpy()


def byzfl_trmean(x, trim=0.2, **_):
    # TrMean takes f, the number trimmed per side: f = floor(beta * n), our convention.
    f = int(np.floor(trim * len(x)))
    return np.asarray(_byzfl_aggregators().TrMean(f=f)(x))


def byzfl_krum(x, byzantine=1, **_):
    return np.asarray(_byzfl_aggregators().Krum(f=byzantine)(x))


IMPLEMENTATIONS = {
    "geom-median-numpy": geom_median_numpy,
    "geom-median-torch": geom_median_torch,
    "byzfl-geometric-median": byzfl_geometric_median,
    "byzfl-median": byzfl_median,
    "byzfl-median-torch": byzfl_median_torch,
    "byzfl-trmean": byzfl_trmean,
    "byzfl-krum": byzfl_krum,
}


def run(name, input_path, output_path, **params):
    x = np.load(input_path)
    out = np.asarray(IMPLEMENTATIONS[name](x, **params)).reshape(-1).astype(x.dtype)
    np.save(output_path, out)
