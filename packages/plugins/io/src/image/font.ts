/**
 * A 5×7 pixel font for labels drawn into images: digits, Latin letters (lower case drawn as
 * upper case), common punctuation, ψ and ×. Each glyph is 7 rows, each row one base-32 digit
 * whose 5 bits are the pixels from left (16) to right (1). Unknown characters draw as "?".
 */
const GLYPHS: Record<string, string> = {
  '0': 'ehjlphe',
  '1': '4c4444e',
  '2': 'eh1248v',
  '3': 'v2421he',
  '4': '26aiv22',
  '5': 'vgu11he',
  '6': '68guhhe',
  '7': 'v124888',
  '8': 'ehhehhe',
  '9': 'ehhf12c',
  'A': 'ehhvhhh',
  'B': 'uhhuhhu',
  'C': 'ehggghe',
  'D': 'sihhhis',
  'E': 'vgguggv',
  'F': 'vgguggg',
  'G': 'ehgnhhf',
  'H': 'hhhvhhh',
  'I': 'e44444e',
  'J': '72222ic',
  'K': 'hikokih',
  'L': 'ggggggv',
  'M': 'hrllhhh',
  'N': 'hhpljhh',
  'O': 'ehhhhhe',
  'P': 'uhhuggg',
  'Q': 'ehhhlid',
  'R': 'uhhukih',
  'S': 'fgge11u',
  'T': 'v444444',
  'U': 'hhhhhhe',
  'V': 'hhhhha4',
  'W': 'hhhllla',
  'X': 'hha4ahh',
  'Y': 'hhha444',
  'Z': 'v1248gv',
  ' ': '0000000',
  '-': '000v000',
  '.': '00000cc',
  ',': '0000c48',
  '=': '00v0v00',
  ':': '0cc0cc0',
  '+': '044v440',
  '/': '01248g0',
  '(': '2488842',
  ')': '8422248',
  'ψ': 'llle444',
  '_': '000000v',
  '#': 'aavavaa',
  '%': 'op248j3',
  '?': 'eh12404',
  '×': '0ha4ah0',
};

export const GLYPH_W = 5;
export const GLYPH_H = 7;
/** Horizontal advance per character (glyph plus one pixel of spacing). */
export const ADVANCE = GLYPH_W + 1;

/** The 7 row bitmasks of a character. */
export function glyphRows(ch: string): number[] {
  const code = GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()] ?? GLYPHS['?']!;
  return [...code].map((d) => parseInt(d, 32));
}

/**
 * Draws `text` into channel-planar floats `[C, H, W]` (values −1…1) at (x0, y0) on a dark box,
 * `scale` pixels per font pixel; clipped at the image border.
 */
export function drawLabel(img: Float32Array, C: number, H: number, W: number, text: string, x0: number, y0: number, scale = 1): void {
  const chars = [...text];
  const boxW = (chars.length * ADVANCE + 1) * scale;
  const boxH = (GLYPH_H + 2) * scale;
  const set = (x: number, y: number, v: number, blend: boolean) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    for (let c = 0; c < C; c++) {
      const i = (c * H + y) * W + x;
      img[i] = blend ? img[i]! * 0.25 - 0.75 : v; // darken the box, keep a hint of the picture
    }
  };
  for (let y = 0; y < boxH; y++) for (let x = 0; x < boxW; x++) set(x0 + x, y0 + y, 0, true);
  chars.forEach((ch, k) => {
    glyphRows(ch).forEach((bits, row) => {
      for (let col = 0; col < GLYPH_W; col++) {
        if (!(bits & (16 >> col))) continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) set(x0 + (1 + k * ADVANCE + col) * scale + sx, y0 + (1 + row) * scale + sy, 1, false);
        }
      }
    });
  });
}
