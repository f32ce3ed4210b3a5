/**
 * stylegraph model files: the one error type for everything wrong with a model folder or a
 * safetensors file, with a stable `code` and the file (and tensor) at fault. Messages read
 * `generator.safetensors: tensor "mapping.fc0.weight" has shape …`; tensor names are quoted as
 * JSON strings and cut at 200 characters, so a hostile name cannot flood or garble a terminal.
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
  /** `config.json` is not JSON or does not satisfy the schema. */
  | 'CONFIG_INVALID'
  /** A tensor the config implies is absent. */
  | 'TENSOR_MISSING'
  /** A tensor has another shape than the config implies. */
  | 'TENSOR_SHAPE'
  /** A weight is stored as an integer or boolean tensor. */
  | 'TENSOR_DTYPE'
  /** A tensor that is no part of the network the config describes. */
  | 'TENSOR_UNEXPECTED'
  | 'FILE_MISSING'
  | 'FILE_UNEXPECTED'
  /** An optional file (encoder.onnx) that is not what its name says. */
  | 'FILE_INVALID'
  /** A model file name with a path separator or a leading dot. */
  | 'FILE_NAME'
  /** Saving would replace something that is not a model folder (nor an empty folder). */
  | 'FOLDER_NOT_MODEL';

const MAX_NAME_SHOWN = 200;

/** A tensor name as shown in messages: a JSON string, cut at 200 characters. */
export const quoteTensorName = (name: string): string =>
  JSON.stringify(name.length > MAX_NAME_SHOWN ? `${name.slice(0, MAX_NAME_SHOWN)}…` : name);

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly code: ModelFileErrorCode,
    readonly file: string,
    /** What is wrong, without the file and tensor. */
    readonly detail: string,
    /** The tensor at fault, in full. */
    readonly tensor?: string,
  ) {
    super(`${file}: ${tensor !== undefined ? `tensor ${quoteTensorName(tensor)} ` : ''}${detail}`);
  }
}
