import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by `npm run build` (from the package root) into dist/console, served by the server at /console.
export default defineConfig({
  root: 'console',
  base: '/console/',
  plugins: [react()],
  build: { outDir: '../dist/console', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1200 },
  logLevel: 'warn',
});
