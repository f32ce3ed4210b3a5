/**
 * Direct-loop reference implementations of 2-D convolution and transposed convolution, used to
 * check that the builder writes Conv/ConvTranspose attributes with the meaning ONNX gives them.
 */
export interface Conv2dParams {
  readonly pads: readonly [number, number, number, number]; // top, left, bottom, right
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly group: number;
}

type Dims4 = readonly [number, number, number, number];

/** y[n, m, i, j] = Σ_c,kh,kw x[n, g·C/G + c, i·s + kh·d − p, j·s + kw·d − p] · w[m, c, kh, kw]. */
export function conv2d(x: Float32Array, xd: Dims4, w: Float32Array, wd: Dims4, p: Conv2dParams): { data: Float32Array; dims: Dims4 } {
  const [N, C, H, W] = xd;
  const [M, Cg, KH, KW] = wd;
  const Mg = M / p.group;
  const OH = Math.floor((H + p.pads[0] + p.pads[2] - ((KH - 1) * p.dilations[0] + 1)) / p.strides[0]) + 1;
  const OW = Math.floor((W + p.pads[1] + p.pads[3] - ((KW - 1) * p.dilations[1] + 1)) / p.strides[1]) + 1;
  const y = new Float32Array(N * M * OH * OW);
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let acc = 0;
          const g = Math.floor(m / Mg);
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const r = i * p.strides[0] + kh * p.dilations[0] - p.pads[0];
                const q = j * p.strides[1] + kw * p.dilations[1] - p.pads[1];
                if (r < 0 || r >= H || q < 0 || q >= W) continue;
                acc += (x[((n * C + g * Cg + c) * H + r) * W + q] as number) * (w[((m * Cg + c) * KH + kh) * KW + kw] as number);
              }
          y[((n * M + m) * OH + i) * OW + j] = acc;
        }
  return { data: y, dims: [N, M, OH, OW] };
}

/** Scatter form: every x[n, c, i, j] adds x · w[c, m, kh, kw] at (i·s + kh·d − p, j·s + kw·d − p). */
export function convTranspose2d(
  x: Float32Array,
  xd: Dims4,
  w: Float32Array,
  wd: Dims4,
  p: Conv2dParams & { readonly outputPadding: readonly [number, number] },
): { data: Float32Array; dims: Dims4 } {
  const [N, C, H, W] = xd;
  const [, Mg, KH, KW] = wd;
  const Cg = C / p.group;
  const M = Mg * p.group;
  const OH = p.strides[0] * (H - 1) + p.outputPadding[0] + (KH - 1) * p.dilations[0] + 1 - p.pads[0] - p.pads[2];
  const OW = p.strides[1] * (W - 1) + p.outputPadding[1] + (KW - 1) * p.dilations[1] + 1 - p.pads[1] - p.pads[3];
  const y = new Float32Array(N * M * OH * OW);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          const g = Math.floor(c / Cg);
          const v = x[((n * C + c) * H + i) * W + j] as number;
          for (let mm = 0; mm < Mg; mm++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const r = i * p.strides[0] + kh * p.dilations[0] - p.pads[0];
                const q = j * p.strides[1] + kw * p.dilations[1] - p.pads[1];
                if (r < 0 || r >= OH || q < 0 || q >= OW) continue;
                const o = ((n * M + g * Mg + mm) * OH + r) * OW + q;
                y[o] = (y[o] as number) + v * (w[((c * Mg + mm) * KH + kh) * KW + kw] as number);
              }
        }
  return { data: y, dims: [N, M, OH, OW] };
}
