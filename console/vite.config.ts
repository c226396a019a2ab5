/**
 * The console's build: React through @vitejs/plugin-react, relative asset URLs (`base: './'`) so
 * one build serves under /console in `npm start` and at / from the stack's nginx image, hashed
 * file names under assets/ (cached for good by both servers), the map library in a chunk of
 * its own so the rest of the app loads without waiting for it, and one accessibility fix to
 * react-admin's list rows (build-plugins/row-checkbox-label.ts).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { rowCheckboxLabel } from './build-plugins/row-checkbox-label.ts';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), rowCheckboxLabel()],
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
