import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { summarizeValue } from '@stylegraph/core';
import { layerLayout, loadModel } from '@stylegraph/ops-gpu';
import { folderSource } from '@stylegraph/ops-gpu/node';
import { generatorValue } from './index.js';

describe('generator values', () => {
  it('carry their layer layout as plain data, which their summary (the editor’s source) shows', async () => {
    const model = await loadModel(folderSource(fileURLToPath(new URL('../../../ops-gpu/fixtures/cfg512', import.meta.url))));
    const g = generatorValue(model);
    expect(g.layout).toEqual(layerLayout(model.config.generator));
    expect(g.layout.numWs).toBe(model.config.generator.numWs);
    expect(summarizeValue({ generator: g })).toEqual({ generator: { generator: model.contentHash, layout: JSON.parse(JSON.stringify(g.layout)) } });
  });
});
