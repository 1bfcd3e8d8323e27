/**
 * Whether an attention's mask is the causal mask GroupQueryAttention computes by itself (from
 * seqlens_k: key j is hidden from the query at position p when j > p), so the fusion may drop it.
 * A mask is accepted when it is built only from attention_mask, input_ids and position_ids (and the
 * cache's shapes) by integer and boolean arithmetic with a triangle in it (a comparison or Trilu), and
 * its float values can only be 0, 1 or "hidden" (−∞ or at most −1e9). Anything else — an ALiBi-style
 * bias of distances or slopes, a mask read from another input — is a mask GroupQueryAttention would
 * not apply: the fusion refuses, and the layer runs as exported.
 */
import { DataType } from '../onnx-proto';
import type { GraphView } from '../graph-view';

/** A score at most this is hidden: exp() of it next to any real score is exactly 0 in float32. */
const HIDDEN_AT_MOST = -1e9;

export const isHiddenScore = (value: number) => value <= HIDDEN_AT_MOST;

/** What a mask tensor can hold: integers (positions, lengths), booleans, or floats in {0, 1, hidden}. */
type Kind = 'int' | 'bool' | 'mask' | 'other';

const INPUTS = new Set(['attention_mask', 'input_ids', 'position_ids']);
const COMPARISONS = new Set(['Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Equal']);
const LOGIC = new Set(['And', 'Or', 'Not', 'Xor']);
/** Ops that move or reshape values without computing new ones (the data is their first input). */
const LAYOUT = new Set(['Unsqueeze', 'Squeeze', 'Reshape', 'Expand', 'Slice', 'Transpose', 'Identity', 'Tile', 'Trilu', 'Gather']);
const INTEGER_TYPES = new Set<number>([DataType.int32, DataType.int64, DataType.uint8, DataType.int8]);

function join(kinds: Kind[]): Kind {
  if (kinds.includes('other')) return 'other';
  if (kinds.includes('mask')) return kinds.every((k) => k === 'mask' || k === 'bool') ? 'mask' : 'other';
  return kinds.includes('int') ? 'int' : 'bool';
}

function constantKind(dataType: number, floats: Float32Array | null): Kind {
  if (INTEGER_TYPES.has(dataType)) return 'int';
  if (dataType === DataType.bool) return 'bool';
  return floats && floats.every((v) => v === 0 || v === 1 || isHiddenScore(v)) ? 'mask' : 'other';
}

class MaskReader {
  private readonly kinds = new Map<string, Kind>();
  triangle = false;

  constructor(private readonly g: GraphView) {}

  kindOf(name: string): Kind {
    const known = this.kinds.get(name);
    if (known) return known;
    this.kinds.set(name, 'other'); // a cycle, should a graph have one, is no mask
    const kind = this.compute(name);
    this.kinds.set(name, kind);
    return kind;
  }

  private compute(name: string): Kind {
    const { g } = this;
    const tensor = g.constantTensor(name);
    if (tensor) return constantKind(tensor.dataType, tensor.dataType === DataType.float ? g.floats(name) : null);
    const node = g.producer(name);
    if (!node) return INPUTS.has(name) ? 'int' : 'other';
    const { op, inputs, intAttrs } = node.value;
    if (op === 'Shape' || op === 'Size') return 'int'; // of any tensor, the cache included: lengths only
    const kinds = (list: string[]) => list.filter(Boolean).map((i) => this.kindOf(i));
    if (COMPARISONS.has(op) || op === 'Trilu') this.triangle ||= op !== 'Equal';
    if (COMPARISONS.has(op)) return kinds(inputs).every((k) => k === 'int' || k === 'bool') ? 'bool' : 'other';
    if (LOGIC.has(op)) return kinds(inputs).every((k) => k === 'bool') ? 'bool' : 'other';
    if (op === 'Cast') {
      const from = this.kindOf(inputs[0]);
      if (intAttrs.to === DataType.bool) return from === 'other' ? 'other' : 'bool';
      if (intAttrs.to === DataType.float) return from === 'bool' || from === 'mask' ? 'mask' : 'other'; // an integer as a float is a distance
      return INTEGER_TYPES.has(intAttrs.to ?? -1) && from !== 'mask' && from !== 'other' ? 'int' : 'other';
    }
    if (op === 'Where') {
      const [cond, ...values] = kinds(inputs);
      return cond === 'bool' ? join(values) : 'other';
    }
    if (op === 'ConstantOfShape') {
      // Its value attribute (default: float 0), repeated.
      const value = node.value.tensorAttrs.value;
      const bytes = value?.data && 'inline' in value.data ? value.data.inline.slice() : null;
      return value ? constantKind(value.dataType, value.dataType === DataType.float && bytes ? new Float32Array(bytes.buffer) : null) : 'mask';
    }
    if (op === 'Range' || op === 'Concat') return join(kinds(inputs));
    if (LAYOUT.has(op)) return op === 'Gather' && this.kindOf(inputs[1]) !== 'int' ? 'other' : this.kindOf(inputs[0]);
    // Integer arithmetic (lengths, offsets); on mask values only adding masks keeps them masks.
    if (op === 'Add' || op === 'Sub' || op === 'Mul') {
      const all = kinds(inputs);
      if (all.every((k) => k === 'int')) return 'int';
      return op === 'Add' && all.every((k) => k === 'mask') ? 'mask' : 'other';
    }
    return 'other';
  }
}

/** An additive mask (`scores + mask`) that hides exactly the future. */
export function isCausalAdditiveMask(g: GraphView, mask: string): boolean {
  const reader = new MaskReader(g);
  return reader.kindOf(mask) === 'mask' && reader.triangle;
}

/** A `Where(visible, scores, hidden)` condition that is causal. */
export function isCausalCondition(g: GraphView, condition: string): boolean {
  const reader = new MaskReader(g);
  return reader.kindOf(condition) === 'bool' && reader.triangle;
}
