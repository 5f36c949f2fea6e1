/** Kernel results (flat arrays, nested rows, texture or buffer handles) as flat arrays. */

/** What a kernel call hands back: a texture, a GPU buffer handle or plain arrays. */
export type KernelOutput = unknown;

/** Reads a one-dimensional kernel output back. */
export async function readVector(output: KernelOutput): Promise<ArrayLike<number>> {
  let value = output;
  if (value !== null && typeof value === 'object' && typeof (value as { toArray?: unknown }).toArray === 'function') {
    value = await (value as { toArray(): unknown }).toArray();
  }
  return value as ArrayLike<number>;
}

/** A kernel result of any rank (flat array, array of rows, texture or buffer handle) as one Float32Array. */
export async function flatten(value: KernelOutput): Promise<Float32Array> {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toArray?: unknown }).toArray === 'function') {
    v = await (v as { toArray(): unknown }).toArray();
  }
  if (v instanceof Float32Array) return v;
  // Nested rows (2D, 3D outputs): gpu.js's webasm mode erects them as views of one array; the
  // cpu mode makes one array per row, copied here into one.
  let first: unknown = v;
  let count = 1;
  while (Array.isArray(first)) {
    count *= first.length;
    first = first[0];
  }
  const width = (first as ArrayLike<number>).length;
  if (first instanceof Float32Array && first.byteOffset === 0 && first.buffer.byteLength === count * width * 4) {
    return new Float32Array(first.buffer);
  }
  const out = new Float32Array(count * width);
  let at = 0;
  const copy = (part: unknown): void => {
    if (Array.isArray(part)) {
      for (const inner of part) copy(inner);
    } else {
      out.set(part as ArrayLike<number>, at);
      at += width;
    }
  };
  copy(v);
  return out;
}
