import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web client's production build: web/ in, build/web/ out. The local runtime serves build/web/ on the API's
 * origin (local/web-client.ts builds it when it is missing or older than its sources).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../build/web', import.meta.url)),
    emptyOutDir: true,
    // Everything as files: the page's CSP allows scripts, styles and images from the origin only.
    assetsInlineLimit: 0,
    // The lazy screens share no chunk or style with one another: nothing to preload, no helper or polyfill for it.
    modulePreload: false,
  },
  logLevel: 'warn',
});
