import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The shared API package resolves to its TypeScript source, like everywhere else in the workspace.
// Cornerstone's image loader starts its decoders as ES-module workers; its codecs are WASM, loaded when first needed.
export default defineConfig({
  plugins: [react()],
  // vtk.js (under Cornerstone) reads XML with xmlbuilder2, whose builder extends Node's EventEmitter: the browser gets the `events` package.
  resolve: { conditions: ['source'], alias: { events: 'events/' } },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@cornerstonejs/dicom-image-loader'], include: ['dicom-parser'] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500, rolldownOptions: { output: { strictExecutionOrder: true } } },
});
