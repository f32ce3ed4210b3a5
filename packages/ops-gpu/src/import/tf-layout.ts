/**
 * TensorFlow StyleGAN2 variable layouts → the layouts of NVIDIA's PyTorch state dict, as
 * stylegan2-ada-pytorch's legacy.py converts them. Each conversion checks the rank it needs and
 * says what it expected otherwise.
 */
import { tensor, type Tensor } from '@stylegraph/core';

export type TfLayout =
  /** as is */
  | 'same'
  /** fully connected `[in, out]` → `[out, in]` */
  | 'dense'
  /** convolution `[kh, kw, in, out]` → `[out, in, kh, kw]` */
  | 'conv'
  /** the same, kernel flipped in both axes (TF's transposed up-convolution) */
  | 'conv-flipped'
  /** the constant input `[1, C, 4, 4]` → `[C, 4, 4]` */
  | 'const'
  /** a noise input `[1, 1, H, W]` → `[H, W]` */
  | 'noise'
  /** the style bias `[C]`, to which TF adds 1 after the dense layer → bias + 1 */
  | 'mod-bias';

const shape = (t: Tensor) => `[${t.dims.join(', ')}]`;

/** `t` in the PyTorch layout, or what is wrong with its shape. */
export function toTorchLayout(t: Tensor<'float32'>, layout: TfLayout): Tensor<'float32'> | string {
  const d = t.dims;
  switch (layout) {
    case 'same':
      return t;
    case 'dense': {
      if (d.length !== 2) return `has shape ${shape(t)} but a dense weight is [in, out]`;
      const [I, O] = d as [number, number];
      const out = new Float32Array(I * O); // [O, I]
      for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) out[o * I + i] = t.data[i * O + o]!;
      return tensor('float32', [O, I], out);
    }
    case 'conv':
    case 'conv-flipped': {
      if (d.length !== 4) return `has shape ${shape(t)} but a convolution weight is [kh, kw, in, out]`;
      const [H, W, I, O] = d as [number, number, number, number];
      const flip = layout === 'conv-flipped';
      const out = new Float32Array(H * W * I * O); // [O, I, H, W]
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const ty = flip ? H - 1 - y : y; // w[::-1, ::-1]
          const tx = flip ? W - 1 - x : x;
          for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) out[((o * I + i) * H + y) * W + x] = t.data[((ty * W + tx) * I + i) * O + o]!;
        }
      }
      return tensor('float32', [O, I, H, W], out);
    }
    case 'const':
      if (d.length !== 4 || d[0] !== 1) return `has shape ${shape(t)} but the constant input is [1, C, 4, 4]`;
      return tensor('float32', d.slice(1), t.data); // [C, 4, 4]
    case 'noise':
      if (d.length !== 4 || d[0] !== 1 || d[1] !== 1) return `has shape ${shape(t)} but a noise input is [1, 1, H, W]`;
      return tensor('float32', d.slice(2), t.data); // [H, W]
    case 'mod-bias': {
      if (d.length !== 1) return `has shape ${shape(t)} but a style bias is [C]`;
      const out = Float32Array.from(t.data, (b) => b + 1); // [C], rounded to float32 as numpy's float32 add is
      return tensor('float32', d, out);
    }
  }
}
