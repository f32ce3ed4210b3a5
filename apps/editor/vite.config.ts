import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * `@stylegraph/core` becomes a chunk of its own with its exports kept, and an import map in
 * index.html points the bare name at it: plugin modules the page imports from the server
 * (`/plugins/…`) share the editor's own copy of core (the built editor only).
 */
function coreImportMap(): Plugin {
  return {
    name: 'stylegraph-core-import-map',
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'chunk', id: '@stylegraph/core', name: 'core', preserveSignature: 'strict' });
    },
    transformIndexHtml: {
      order: 'post',
      handler: (_html, ctx) => {
        const core = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isEntry && c.name === 'core');
        if (!core) throw new Error('the build has no core chunk for the import map');
        return [{ tag: 'script', attrs: { type: 'importmap' }, children: JSON.stringify({ imports: { '@stylegraph/core': `/${core.fileName}` } }), injectTo: 'head-prepend' }];
      },
    },
  };
}

// `npm run dev` proxies the API to a `stylegraph serve` on port 5178.
export default defineConfig({
  plugins: [react(), coreImportMap()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/trpc': 'http://127.0.0.1:5178' } },
});
