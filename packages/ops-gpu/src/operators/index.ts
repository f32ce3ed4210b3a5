/**
 * Data-only operator plugins: node types made of ONNX models and JSON operator manifests, with
 * no plugin JavaScript (see manifest.ts for the format, package.ts for the npm package form).
 * Browser-safe: the host reads the files and passes their bytes.
 */
export { OperatorManifestError, MAX_OPERATOR_ENTRIES, parseOperatorManifest, paramsSchema, type OperatorManifest, type OperatorParam, type OperatorPort, type OperatorTarget } from './manifest.js';
export { operatorOf, operatorPlugin, type OperatorInfo, type OperatorParamBinding, type OperatorPluginOptions, type OperatorSource } from './plugin.js';
export { MAX_MANIFEST_BYTES, loadOperatorPackage, operatorFiles, parseManifestBytes, parseOperatorPackage, type LoadOperatorPackageOptions, type OperatorPackage } from './package.js';
export { patchAttributes, readSignature, type AttributePatch, type OnnxSignature, type OnnxValue } from './onnx-model.js';
