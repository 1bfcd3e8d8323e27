/**
 * The few protobuf wire-format reads and writes an ONNX model needs (varints, length-delimited fields,
 * fixed32). Hand-written because models are built and rewritten in the browser, and a full protobuf
 * runtime plus the ONNX schema would weigh more than everything else the app ships.
 */

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private size = 0;

  private flushScratch(): void {
    if (!this.scratch.length) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.size += this.scratch.length;
    this.scratch = [];
  }

  private varint(value: number | bigint): void {
    // Negative int64 values are written as their two's complement, ten bytes long.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.scratch.push(...bytes);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    return this.raw(data);
  }

  /** Bytes already in wire format (a field copied as is from another message); kept by reference. */
  raw(data: Uint8Array): this {
    this.flushScratch();
    this.chunks.push(data);
    this.size += data.length;
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** A window of a protobuf message: reads its fields in order without copying the bytes. */
export class ProtoReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * shift;
      if (!(byte & 0x80)) return result;
      shift *= 128;
    }
  }

  /** An int64 field as a number: negative values (ten bytes of two's complement) come back negative. */
  int64(): number {
    const start = this.pos;
    const value = this.varint();
    if (value < 2 ** 53) return value;
    // Past 2^53 a double drops the low bits that say e.g. −1 (ten bytes of 0xff…): read it exactly.
    let exact = 0n;
    for (let i = this.pos - 1; i >= start; i--) exact = (exact << 7n) | BigInt(this.bytes[i] & 0x7f);
    return Number(BigInt.asIntN(64, exact));
  }

  /**
   * Calls `onField` for each field, with where its bytes start (the key included); the callback must
   * consume the value through the reader's methods, or return false to have it skipped.
   */
  fields(onField: (field: number, wire: number, start: number) => boolean): void {
    while (this.pos < this.end) {
      const start = this.pos;
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (!onField(field, wire, start)) this.skip(wire);
    }
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const length = this.varint(); // read first: `pos += varint()` would add to the stale position
      this.pos += length;
    } else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }

  /** A length-delimited value as its own reader; advances past it. */
  sub(): ProtoReader {
    const length = this.varint();
    const reader = new ProtoReader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }

  /** A length-delimited value's bytes, as a view into the message. */
  view(): Uint8Array {
    const r = this.sub();
    return this.bytes.subarray(r.pos, r.end);
  }

  string(): string {
    return new TextDecoder().decode(this.view());
  }

  /** Repeated varints, packed (one length-delimited field) or not (one field per value). */
  packedVarints(wire: number, into: number[]): void {
    if (wire === 0) {
      into.push(this.int64());
      return;
    }
    const packed = this.sub();
    while (packed.pos < packed.end) into.push(packed.int64());
  }
}
