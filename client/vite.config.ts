import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes a brotli (.br) and a gzip (.gz) twin beside every text file of the build, at the highest
 * levels (paid once at build, not per request); the server picks one by Accept-Encoding
 * (server/src/plugins/static.ts). Township centres sit behind slow intranet links: maplibre's
 * 1 MB crosses as about 0.25 MB. Node's own zlib: no dependency.
 */
function precompress(): Plugin {
  return {
    name: 'zhihui-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      const files = Object.keys(bundle).filter((f) => /\.(m?js|css|html|svg|json|webmanifest)$/.test(f));
      await Promise.all(
        files.map(async (f) => {
          const body = await readFile(path.join(dir, f));
          if (body.length < 1024) return;
          const br = await brotli(body, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
          });
          const gzBody = await gz(body, { level: 9 });
          await writeFile(path.join(dir, `${f}.br`), br);
          await writeFile(path.join(dir, `${f}.gz`), gzBody);
        }),
      );
    },
  };
}

// Libraries in chunks of their own: they change less often than our code (the browser keeps them
// across releases), and a view loads only what it uses — the meeting view needs neither maplibre
// nor ECharts. Higher priority wins when a module matches more than one group.
const vendor = (name: string, packages: string[], priority: number) => ({
  name,
  test: new RegExp(`[\\\\/]node_modules[\\\\/](${packages.map((p) => p.replace(/[.]/g, '\\.')).join('|')})[\\\\/]`),
  priority,
});

// The wall runs on isolated networks: everything it loads is built into client/dist and served
// by our own server. In development, API and socket traffic go to the server on :8080.
export default defineConfig({
  plugins: [react(), precompress()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps in the build: they would publish the whole source to anyone who can reach the
    // wall. The dev server (npm run dev -w client) still has them.
    sourcemap: false,
    // maplibre-gl is one indivisible module of about 1 MB minified (the largest chunk, loaded by
    // the wall only); everything else stays well under Vite's default 500 kB.
    chunkSizeWarningLimit: 1100,
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            vendor('maplibre', ['maplibre-gl'], 30),
            vendor('echarts', ['echarts', 'zrender', 'tslib'], 30),
            vendor(
              'socket',
              [
                'socket.io-client',
                'socket.io-parser',
                'engine.io-client',
                'engine.io-parser',
                '@socket.io',
                'xmlhttprequest-ssl',
                'debug',
                'ms',
              ],
              20,
            ),
            vendor('react', ['react', 'react-dom', 'scheduler', 'react-router', 'cookie', 'set-cookie-parser'], 10),
            // The typed contract (TypeBox schemas, figures, labels): used by both views.
            { name: 'shared', test: /[\\/](shared[\\/](src|dist)|node_modules[\\/]typebox)[\\/]/, priority: 5 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
