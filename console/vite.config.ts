/**
 * The console's build: React through @vitejs/plugin-react, relative asset URLs (`base: './'`) so
 * one build serves under /console in `npm start` and at / from the stack's nginx image, hashed
 * file names under assets/ (cached for good by both servers), and the map library in a chunk of
 * its own so the rest of the app loads without waiting for it.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/maplibre-gl')) {
            return 'maplibre';
          }
          return undefined;
        },
      },
    },
  },
});
