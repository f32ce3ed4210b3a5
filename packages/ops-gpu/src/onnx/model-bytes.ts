/**
 * ModelProto bytes with every initializer's data copied once, straight into the result. The
 * protobuf writer would build a model in a buffer that doubles as it grows and then copy it
 * out, leaving about twice the weights behind as garbage that the JavaScript heap may keep for
 * a long time; here the small parts (the model, the graph without initializers, each tensor
 * without its data) are written by the protobuf writer and the length-delimited fields that
 * hold them are put together by hand. Protobuf readers merge fields that come in any order,
 * so the bytes read back as the same model.
 */
import { clearField, isFieldSet, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, TensorProtoSchema, type GraphProto, type ModelProto, type TensorProto } from 'onnx-buf';

const LEN = 2; // wire type of length-delimited fields

/** A protobuf varint. */
function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** Parts of a message, in order, and their total length. */
class Parts {
  readonly list: Uint8Array[] = [];
  length = 0;
  add(p: Uint8Array): this {
    this.list.push(p);
    this.length += p.byteLength;
    return this;
  }
  /** A length-delimited field holding `inner`. */
  field(num: number, inner: Parts): this {
    this.add(varint(num * 8 + LEN)).add(varint(inner.length));
    for (const p of inner.list) this.add(p);
    return this;
  }
}

/** A tensor's fields but its data, then its data (the tensor is left as it was). */
function tensorParts(t: TensorProto): Parts {
  const field = TensorProtoSchema.field.rawData;
  if (!isFieldSet(t, field)) return new Parts().add(toBinary(TensorProtoSchema, t));
  const raw = t.rawData;
  clearField(t, field);
  const head = toBinary(TensorProtoSchema, t);
  t.rawData = raw;
  return new Parts().add(head).add(varint(field.number * 8 + LEN)).add(varint(raw.byteLength)).add(raw);
}

/** The model's bytes; `graph` is written with `initializers` (each must hold its data as rawData). */
export function modelBytes(model: ModelProto, graph: GraphProto, initializers: readonly TensorProto[]): Uint8Array {
  const g = new Parts().add(toBinary(GraphProtoSchema, graph));
  for (const t of initializers) g.field(GraphProtoSchema.field.initializer.number, tensorParts(t));
  const all = new Parts().add(toBinary(ModelProtoSchema, model)).field(ModelProtoSchema.field.graph.number, g);
  const out = new Uint8Array(all.length);
  let at = 0;
  for (const p of all.list) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
