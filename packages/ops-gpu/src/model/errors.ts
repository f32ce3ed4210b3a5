/**
 * stylegraph model files: the one error type for everything wrong with a model folder or a
 * safetensors file, with a stable `code` and the file (and tensor) at fault.
 */

export type ModelFileErrorCode =
  /** Too short, header length out of range, header not UTF-8 JSON, not an object, bad metadata. */
  | 'SAFETENSORS_HEADER'
  /** A tensor name appears twice in the header. */
  | 'SAFETENSORS_DUPLICATE'
  /** A dtype outside F32, F16, BF16, F64, I64, I32, U8, BOOL. */
  | 'SAFETENSORS_DTYPE'
  /** A shape that is not a list of non-negative integers, or has too many elements. */
  | 'SAFETENSORS_SHAPE'
  /** Offsets out of range, overlapping, leaving holes or trailing bytes, or not matching shape × dtype. */
  | 'SAFETENSORS_OFFSETS'
  /** The writer was given something it cannot write. */
  | 'SAFETENSORS_WRITE'
  | 'CONFIG_INVALID'
  | 'TENSOR_MISSING'
  | 'TENSOR_SHAPE'
  | 'TENSOR_UNEXPECTED'
  | 'FILE_MISSING'
  | 'FILE_UNEXPECTED'
  /** A model file name with a path separator or a leading dot. */
  | 'FILE_NAME';

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly code: ModelFileErrorCode,
    readonly file: string,
    /** What is wrong, without the file and tensor. */
    readonly detail: string,
    readonly tensor?: string,
  ) {
    super(`${file}: ${tensor !== undefined ? `tensor "${tensor}" ` : ''}${detail}`);
  }
}
