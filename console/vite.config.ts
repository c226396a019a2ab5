/**
 * The console's build: React through @vitejs/plugin-react, relative asset URLs (`base: './'`) so
 * one build serves under /console in `npm start` and at / from the stack's nginx image, hashed
 * file names under assets/ (cached for good by both servers), and one accessibility fix to
 * react-admin's list rows (build-plugins/row-checkbox-label.ts). Chunks follow the app's dynamic
 * imports: the map (maplibre, its worker, the provinces) and each resource's views load only
 * where they are shown (map/lazy-fleet-map.tsx, resources/shared/lazy-view.ts).
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
  },
});
