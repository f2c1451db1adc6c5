import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The shared API package resolves to its TypeScript source, like everywhere else in the workspace.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
