/** Layer params of StyleGAN nodes ("0-3,7", coarse / middle / fine) resolved against a layer layout. */
import { NodeError } from '@stylegraph/core';
import { LayerSpecError, layerChoices, layoutWithWs, parseLayerSpec, type LayerChoices, type LayerSpecOptions } from '@stylegraph/ops-gpu';

/** The indices `spec` selects; a bad spec is a LAYERS_INVALID or LAYERS_OUT_OF_RANGE node error. */
export function selectLayers(spec: string, choices: LayerChoices, opts?: LayerSpecOptions): number[] {
  try {
    return parseLayerSpec(spec, choices, opts);
  } catch (e) {
    if (e instanceof LayerSpecError) throw new NodeError(e.code, e.message);
    throw e;
  }
}

/**
 * The ws of a W+ with `numWs` rows. A W+ does not say which generator made it: its groups are
 * those of the StyleGAN2 layout with that many ws; without one, only ranges select.
 */
export function wsChoices(numWs: number): LayerChoices {
  const layout = layoutWithWs(numWs);
  return layout ? layerChoices(layout, 'ws') : { count: numWs, unit: 'ws', groups: [] };
}
