/**
 * Gradient-check cases for linear, layout, indexing and reduction primitives, including
 * grouped/strided/dilated convolutions and graphs with a symbolic batch dimension.
 */
import { tensor } from '@stylegraph/core';
import type { GradCase } from './harness.js';

const int64 = (dims: readonly number[], values: readonly number[]) => tensor('int64', dims, BigInt64Array.from(values, BigInt));

export const LINEAR_CASES: readonly GradCase[] = [
  { op: 'MatMul', label: 'matmul [2,3,4]·[4,5]', build: (c) => c.b.matmul(c.input('a', [2, 3, 4]), c.input('b', [4, 5])) },
  { op: 'MatMul', label: 'matmul [2,1,3,4]·[3,4,2]', build: (c) => c.b.matmul(c.input('a', [2, 1, 3, 4]), c.input('b', [3, 4, 2])) },
  {
    op: 'Gemm',
    label: 'gemm Bᵀ, C [5], α 0.5 β 2',
    build: (c) => c.b.gemm(c.input('a', [3, 4]), c.input('b', [5, 4]), c.input('c', [5]), { transB: true, alpha: 0.5, beta: 2 }),
  },
  {
    op: 'Gemm',
    label: 'gemm Aᵀ, C [3,1]',
    build: (c) => c.b.gemm(c.input('a', [4, 3]), c.input('b', [4, 5]), c.input('c', [3, 1]), { transA: true }),
  },
  { op: 'Gemm', label: 'gemm Aᵀ Bᵀ', build: (c) => c.b.gemm(c.input('a', [4, 3]), c.input('b', [5, 4]), undefined, { transA: true, transB: true }) },
  {
    op: 'Conv',
    label: 'conv 3×3 pad 1 + bias',
    build: (c) => c.b.conv(c.input('x', [2, 3, 5, 5]), c.input('w', [4, 3, 3, 3]), c.input('bias', [4]), { pads: [1, 1, 1, 1] }),
  },
  {
    op: 'Conv',
    label: 'conv stride 2, asymmetric pads, unreached rows',
    build: (c) => c.b.conv(c.input('x', [1, 2, 7, 6]), c.input('w', [3, 2, 3, 3]), undefined, { pads: [1, 0, 0, 1], strides: [2, 2] }),
  },
  {
    op: 'Conv',
    label: 'conv groups 2, dilation 2',
    build: (c) => c.b.conv(c.input('x', [2, 4, 7, 7]), c.input('w', [6, 2, 3, 3]), undefined, { group: 2, dilations: [2, 2], pads: [2, 2, 2, 2] }),
  },
  {
    op: 'Conv',
    label: 'conv groups 2, strides [2,3], dilations [2,1]',
    build: (c) =>
      c.b.conv(c.input('x', [1, 4, 9, 8]), c.input('w', [4, 2, 2, 3]), undefined, { group: 2, strides: [2, 3], dilations: [2, 1], pads: [1, 0, 1, 2] }),
  },
  {
    op: 'Conv',
    label: 'conv 1-d stride 2',
    build: (c) => c.b.conv(c.input('x', [2, 2, 9]), c.input('w', [3, 2, 3]), undefined, { strides: [2] }),
  },
  {
    op: 'Conv',
    label: 'conv symbolic batch B',
    build: (c) => c.b.conv(c.input('x', ['B', 3, 4, 4], { feedDims: [2, 3, 4, 4] }), c.input('w', [2, 3, 3, 3]), undefined, { pads: [1, 1, 1, 1] }),
  },
  {
    op: 'ConvTranspose',
    label: 'conv transpose stride 2 + bias',
    build: (c) => c.b.convTranspose(c.input('x', [2, 3, 4, 4]), c.input('w', [3, 2, 3, 3]), c.input('bias', [2]), { strides: [2, 2] }),
  },
  {
    op: 'ConvTranspose',
    label: 'conv transpose groups 3, pads 1, output padding 1',
    build: (c) =>
      c.b.convTranspose(c.input('x', [1, 6, 3, 3]), c.input('w', [6, 1, 3, 3]), undefined, {
        group: 3,
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        outputPadding: [1, 1],
      }),
  },
  {
    op: 'ConvTranspose',
    label: 'conv transpose dilation 2, strides [1,2]',
    build: (c) =>
      c.b.convTranspose(c.input('x', [1, 2, 3, 4]), c.input('w', [2, 2, 2, 2]), undefined, { dilations: [2, 2], strides: [1, 2], pads: [0, 1, 1, 0] }),
  },
];

export const LAYOUT_CASES: readonly GradCase[] = [
  { op: 'Reshape', label: 'reshape [2,3,4] → [4,-1]', build: (c) => c.b.reshape(c.input('x', [2, 3, 4]), [4, -1]) },
  { op: 'Reshape', label: 'reshape [B,3,4] → [B,12]', build: (c) => c.b.reshape(c.input('x', ['B', 3, 4], { feedDims: [2, 3, 4] }), ['B', 12]) },
  { op: 'Transpose', label: 'transpose [2,0,1]', build: (c) => c.b.transpose(c.input('x', [2, 3, 4]), [2, 0, 1]) },
  { op: 'Unsqueeze', label: 'unsqueeze [0,-1]', build: (c) => c.b.unsqueeze(c.input('x', [2, 3]), [0, -1]) },
  { op: 'Squeeze', label: 'squeeze [1,3]', build: (c) => c.b.squeeze(c.input('x', [2, 1, 3, 1]), [1, 3]) },
  { op: 'Expand', label: 'expand [3,1] → [2,3,4]', build: (c) => c.b.expand(c.input('x', [3, 1]), [2, 3, 4]) },
  {
    op: 'Expand',
    label: 'expand [1,3] → [B,3]',
    build: (c) => c.b.add(c.input('z', ['B', 3], { feedDims: [4, 3] }), c.b.expand(c.input('x', [1, 3]), ['B', 3])),
  },
  { op: 'Tile', label: 'tile [2,3] × [2,3]', build: (c) => c.b.tile(c.input('x', [2, 3]), [2, 3]) },
  { op: 'Tile', label: 'tile [B,2] × [1,2]', build: (c) => c.b.tile(c.input('x', ['B', 2], { feedDims: [3, 2] }), [1, 2]) },
];

export const INDEXING_CASES: readonly GradCase[] = [
  {
    op: 'Concat',
    label: 'concat 3 inputs on axis 1',
    build: (c) => c.b.concat([c.input('a', [2, 1, 3]), c.input('b', [2, 2, 3]), c.input('c', [2, 3, 3])], 1),
  },
  {
    op: 'Slice',
    label: 'slice steps [2,3], negative start, end past size',
    build: (c) => c.b.slice(c.input('x', [6, 7]), { starts: [1, -5], ends: [6, 100], axes: [0, 1], steps: [2, 3] }),
  },
  { op: 'Slice', label: 'slice axis 1 [1:3]', build: (c) => c.b.slice(c.input('x', [4, 5]), { starts: [1], ends: [3], axes: [1] }) },
  { op: 'Pad', label: 'pad ±, value 0.5', build: (c) => c.b.pad(c.input('x', [2, 3, 4]), [0, 1, 2, 1, -1, 1], 0.5) },
  { op: 'Gather', label: 'gather axis 1, repeated indices', build: (c) => c.b.gather(c.input('x', [3, 4, 5]), c.b.constant(int64([3], [2, 0, 2])), 1) },
  { op: 'Gather', label: 'gather scalar index', build: (c) => c.b.gather(c.input('x', [4, 3]), c.b.constant(int64([], [2])), 0) },
  {
    op: 'Gather',
    label: 'gather w index from [B,4,3]',
    build: (c) => c.b.gather(c.input('x', ['B', 4, 3], { feedDims: [2, 4, 3] }), c.b.constant(int64([], [1])), 1),
  },
  {
    op: 'GatherElements',
    label: 'gather elements axis 0',
    build: (c) => c.b.gatherElements(c.input('x', [3, 4]), c.b.constant(int64([2, 4], [0, 1, 1, 2, 2, 2, 0, 0])), 0),
  },
  {
    op: 'ScatterElementsAdd',
    label: 'scatter-add axis 1',
    build: (c) => c.b.scatterElementsAdd(c.input('x', [3, 4]), c.b.constant(int64([3, 2], [0, 3, 1, 1, 2, 0])), c.input('u', [3, 2]), 1),
  },
  { op: 'ReduceSum', label: 'reduce sum axes [0,2]', build: (c) => c.b.reduceSum(c.input('x', [2, 3, 4]), [0, 2], false) },
  { op: 'ReduceSum', label: 'reduce sum all, keepdims', build: (c) => c.b.reduceSum(c.input('x', [2, 3])) },
  { op: 'ReduceMean', label: 'reduce mean axis 1, keepdims', build: (c) => c.b.reduceMean(c.input('x', [2, 3, 4]), [1]) },
  {
    op: 'ReduceMean',
    label: 'reduce mean over symbolic batch',
    build: (c) => c.b.reduceMean(c.input('x', ['B', 3], { feedDims: [4, 3] }), [0], false),
  },
];
