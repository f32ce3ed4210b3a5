/** Handle colours by port kind, so compatible ports look alike. */
export const PORT_COLORS: Record<string, string> = {
  Z: '#e6a23c',
  C: '#d4a017',
  WPlus: '#f56c6c',
  Image: '#67c23a',
  Noise: '#909399',
  Generator: '#9b59b6',
  Bits: '#1abc9c',
  Report: '#409eff',
  Tensor: '#c0c4cc',
  SeedList: '#e67e22',
  number: '#5dade2',
  integer: '#5dade2',
  string: '#f1c40f',
  boolean: '#ec7063',
};

export const portColor = (kind: string) => PORT_COLORS[kind] ?? '#aaa';
