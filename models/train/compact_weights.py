"""Stores an fp32 ONNX graph's large weights in half precision, each read through a Cast back to float32, so the
graph still computes in fp32 (its inputs, outputs and arithmetic unchanged) from half the bytes. The app widens
these weights back to fp32 initializers at load (src/engine/graph/widen-weights.ts); any ONNX runtime can also run
the file as it is. Small tensors (norms, biases, scalars) stay fp32: they cost nothing and graph passes read them.
Usage: python3 compact_weights.py path/to/model.onnx [...]   (rewrites each file in place)"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MIN_ELEMENTS = 4096


def compact(path):
    model = onnx.load(path)
    graph = model.graph
    casts = []
    kept = []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT or int(np.prod(init.dims)) < MIN_ELEMENTS:
            kept.append(init)
            continue
        values = numpy_helper.to_array(init)
        half = values.astype(np.float16)
        if not np.all(np.isfinite(half)):
            raise ValueError(f"{init.name} does not fit in fp16")
        stored = numpy_helper.from_array(half, init.name + "_fp16")
        kept.append(stored)
        casts.append(helper.make_node("Cast", [stored.name], [init.name], name=init.name + "_widen", to=TensorProto.FLOAT))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    # The Casts first: every later node reads the widened name, as it read the fp32 initializer.
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return len(casts)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(p, compact(p), "weights stored in fp16")
