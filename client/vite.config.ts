import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The wall runs on isolated networks: everything it loads is built into client/dist and served
// by our own server. In development, API and socket traffic go to the server on :8080.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
