import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The dashboard: built into dist/ui and served by the gateway at /ui (src/server/ui). Hash routing,
 * so the server needs no route per page; hashed asset names, so the server can cache them for good.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Libraries (React, recharts and its d3 helpers) are most of the bytes and change rarely: their own chunk.
    rollupOptions: { output: { manualChunks: (id) => (id.includes('/node_modules/') ? 'vendor' : undefined) } },
    chunkSizeWarningLimit: 700,
  },
  // `npm run dev:ui`: hot reload, with the API, login and logout answered by a gateway on :4000.
  server: { proxy: { '/ui/api': 'http://127.0.0.1:4000', '/ui/login': 'http://127.0.0.1:4000', '/ui/logout': 'http://127.0.0.1:4000' } },
});
