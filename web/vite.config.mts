/**
 * The portal's build. `npm run build:web` writes dist/web, which the hub serves at `/` (with
 * index.html for every other GET, so client-side routes survive a reload). `vite --config
 * web/vite.config.mts` runs a dev server that forwards GraphQL (HTTP and graphql-ws) and the REST
 * routes under /api (uploads, downloads) to a hub on port 4000.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/graphql': { target: 'http://localhost:4000', ws: true, changeOrigin: true },
      '/api': { target: 'http://localhost:4000', changeOrigin: true },
    },
  },
});
