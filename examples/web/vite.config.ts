import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API lives on another origin: VITE_API_URL at build (or dev) time, see src/config.ts.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
});
