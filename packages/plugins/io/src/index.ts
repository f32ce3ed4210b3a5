/** @stylegraph/plugin-io — PNG output with the graph embedded, image grids, reading graphs back from PNGs. */
import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { ImageGrid } from './nodes/image-grid.js';
import { PNG_GRAPH_KEY, SaveImage, toUint8 } from './nodes/save-image.js';
import { LoadTensor, SaveTensor } from './nodes/tensor-files.js';
import { PixelStd } from './nodes/pixel-std.js';
import { LoadImage } from './nodes/load-image.js';
import { LoadImages } from './nodes/load-images.js';
import { LoadFolder } from './nodes/load-folder.js';
import { ImageCompare, compareImages } from './nodes/image-compare.js';

export { ImageGrid, SaveImage, SaveTensor, LoadTensor, PixelStd, LoadImage, LoadImages, LoadFolder, ImageCompare, compareImages, PNG_GRAPH_KEY, toUint8 };
export { decodePng, type DecodedImage } from './png/decode.js';
export { resizeArea } from './image/resize.js';
export { imagePreview, isImageTensor } from './image/preview.js';
export { encodePng, asciiJson } from './png/encode.js';
export { readPngText, PngError } from './png/text.js';

export const ioPlugin = definePlugin({
  name: '@stylegraph/plugin-io',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'PNG output with the graph embedded, image grids, .npy tensors, per-pixel std.',
  nodes: [LoadImage, LoadImages, LoadFolder, SaveImage, ImageGrid, SaveTensor, LoadTensor, PixelStd, ImageCompare],
});

export default ioPlugin;
