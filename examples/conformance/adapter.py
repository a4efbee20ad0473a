"""One call, one process: python3 adapter.py IMPLEMENTATION INPUT.npy OUTPUT.npy [--trim B] [--byzantine F]

For bgmd conformance --exec 'python3 examples/conformance/adapter.py geom-median-numpy {input} {output}'.
"""
import argparse
import implementations

parser = argparse.ArgumentParser()
parser.add_argument("implementation", choices=sorted(implementations.IMPLEMENTATIONS))
parser.add_argument("input")
parser.add_argument("output")
parser.add_argument("--trim", type=float, default=0.2)
parser.add_argument("--byzantine", type=int, default=1)
a = parser.parse_args()
implementations.run(a.implementation, a.input, a.output, trim=a.trim, byzantine=a.byzantine)
