import { describe, expect, it } from 'vitest';
import { launch } from './browser.js';

describe('the e2e suite’s browser', () => {
  it('fails with the install command when Chromium is missing, instead of skipping', async () => {
    await expect(launch([], '/nonexistent/chromium')).rejects.toThrow(/need Chromium at \/nonexistent\/chromium.*apt-get install -y chromium/);
  });
});
