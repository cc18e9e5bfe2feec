import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

/**
 * The browser pages the gateway serves: the demo (`/demo`) and GraphiQL (`GET /graphql` for
 * browsers). Built into dist/web; scripts and styles under /web/assets/ (hashed names).
 */
export default defineConfig({
  root: here,
  base: '/web/',
  // JSX without @vitejs/plugin-react: esbuild's automatic runtime (no fast refresh needed).
  esbuild: { jsx: 'automatic' },
  logLevel: 'warn',
  build: {
    outDir: resolve(here, '../dist/web'),
    emptyOutDir: true,
    // The machine is shared; skip the gzip size report.
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      // GraphiQL's dependencies mark modules "use client" (for React server components): meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: { demo: resolve(here, 'demo/index.html'), graphiql: resolve(here, 'graphiql/index.html') },
    },
  },
});
