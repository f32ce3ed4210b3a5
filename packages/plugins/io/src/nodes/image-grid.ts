/**
 * `io/ImageGrid`: a batch of images tiled into one image, row-major — optionally with a header
 * row and a header column (the layout of NVIDIA's style_mixing.py) and text labels.
 */
import { NodeError, defineNode, tensor, z, type Tensor } from '@stylegraph/core';
import { drawLabel } from '../image/font.js';

type Cell = { readonly src: Tensor<'float32'>; readonly b: number; readonly row: number; readonly col: number; readonly label?: string };

/**
 * The grid for N cells of H×W: `cols` per row (K when there is a header row of K images, else
 * the param, 0 = ⌈√N⌉); a header row and a header column each add one row / column.
 */
function gridLayout(N: number, H: number, W: number, o: { readonly cols: number; readonly padding: number; readonly K: number | undefined; readonly rowHeader: boolean }) {
  const cols = o.K ?? (o.cols || Math.ceil(Math.sqrt(N)));
  const rows = Math.ceil(N / cols);
  const [dx, dy] = [o.rowHeader ? 1 : 0, o.K !== undefined ? 1 : 0];
  const [nr, nc] = [rows + dy, cols + dx];
  return { cols, rows, dx, dy, GH: nr * H + (nr - 1) * o.padding, GW: nc * W + (nc - 1) * o.padding };
}

export const ImageGrid = defineNode({
  type: 'io/ImageGrid',
  version: 1,
  title: 'Image grid',
  category: 'Image I/O',
  description:
    'Tiles B images into one, `cols` per row (0 = as square as possible); empty cells are black. With a header column and/or row (e.g. the sources of a style-mixing grid) the corner stays black.',
  inputs: {
    image: { type: 'Image', shape: ['N', 'C', 'H', 'W'] },
    rowHeader: { type: 'Image', shape: ['R', 'C', 'H', 'W'], optional: true },
    colHeader: { type: 'Image', shape: ['K', 'C', 'H', 'W'], optional: true },
  },
  outputs: { image: { type: 'Image', shape: [1, 'C', 'GH', 'GW'] } },
  params: z.object({
    cols: z.number().int().min(0).max(1024).default(0).describe('Images per row; 0 picks ⌈√B⌉, or the header row’s count.'),
    padding: z.number().int().min(0).max(64).default(0).describe('Pixels between cells.'),
    labels: z.array(z.string().max(64)).max(4096).default([]).describe('Text drawn on the cells of `image`, in order (empty strings skip a cell).'),
    labelScale: z.number().int().min(1).max(8).default(1).describe('Font pixels per label pixel (the font is 5×7).'),
  }),
  inferShapes: (p, { dims: { N, H, W, K }, connected }) => {
    const header = connected.has('colHeader');
    if (N === undefined || H === undefined || W === undefined || N === 0 || (header && K === undefined)) return {};
    const { GH, GW } = gridLayout(N, H, W, { cols: p.cols, padding: p.padding, K: header ? K : undefined, rowHeader: connected.has('rowHeader') });
    return { GH, GW };
  },
  purity: 'pure',
  run: ({ inputs, params }) => {
    const [B, C, H, W] = inputs.image.dims as [number, number, number, number];
    const { rowHeader, colHeader } = inputs;
    for (const [name, h] of [['rowHeader', rowHeader], ['colHeader', colHeader]] as const) {
      if (h && (h.dims[1] !== C || h.dims[2] !== H || h.dims[3] !== W)) {
        throw new NodeError('HEADER_SHAPE', `${name} images are [${h.dims.slice(1).join(', ')}], the grid’s are [${C}, ${H}, ${W}]`);
      }
    }
    if (params.labels.length > B) throw new NodeError('LABELS_TOO_MANY', `${params.labels.length} labels for ${B} images`);
    const K = colHeader?.dims[0];
    if (K !== undefined && params.cols !== 0 && params.cols !== K) throw new NodeError('COLS_MISMATCH', `cols is ${params.cols} but the header row has ${K} images`);
    const { cols, rows, dx, dy, GH, GW } = gridLayout(B, H, W, { cols: params.cols, padding: params.padding, K, rowHeader: rowHeader !== undefined });
    const R = rowHeader?.dims[0];
    if (R !== undefined && R !== rows) throw new NodeError('ROWS_MISMATCH', `the header column has ${R} images but the grid has ${rows} rows`);

    const cells: Cell[] = [];
    for (let b = 0; b < B; b++) cells.push({ src: inputs.image, b, row: Math.floor(b / cols) + dy, col: (b % cols) + dx, label: params.labels[b] });
    for (let k = 0; k < (K ?? 0); k++) cells.push({ src: colHeader!, b: k, row: 0, col: k + dx });
    for (let r = 0; r < (R ?? 0); r++) cells.push({ src: rowHeader!, b: r, row: r + dy, col: 0 });

    const p = params.padding;
    const out = new Float32Array(C * GH * GW).fill(-1); // [C, GH, GW]
    for (const { src, b, row, col, label } of cells) {
      let cell = src.data.subarray(b * C * H * W, (b + 1) * C * H * W); // [C, H, W]
      if (label) {
        cell = new Float32Array(cell); // drawn on a copy, never on the input
        drawLabel(cell, C, H, W, label, 0, 0, params.labelScale);
      }
      const [y0, x0] = [row * (H + p), col * (W + p)];
      for (let c = 0; c < C; c++) {
        for (let y = 0; y < H; y++) out.set(cell.subarray((c * H + y) * W, (c * H + y + 1) * W), (c * GH + y0 + y) * GW + x0);
      }
    }
    return { image: tensor('float32', [1, C, GH, GW], out) };
  },
});
