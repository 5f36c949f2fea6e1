/**
 * A small static file server for the benchmark page (node:http, nothing else). It sends the
 * headers that make the page cross-origin isolated (COOP same-origin, COEP require-corp), which
 * SharedArrayBuffer, threaded WebAssembly and shared-memory workers need, and the right
 * content type for .wasm so that browsers compile it while it streams in.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** The headers of every response. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** A running server: its address and how to stop it. */
export interface StaticServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** The file under `root` a request path names, or null when it leaves `root`. */
function fileOf(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
  const base = normalize(root.endsWith(sep) ? root : `${root}${sep}`);
  return file.startsWith(base) ? file : null;
}

/** Serves `root` on `host:port` (port 0: any free port). */
export function serveStatic(root: string, port: number, host = '127.0.0.1'): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const file = fileOf(root, request.url ?? '/');
    const fail = (code: number, text: string) => {
      response.writeHead(code, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(text);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return fail(405, 'only GET and HEAD');
    if (file === null) return fail(403, 'outside the page');
    stat(file).then(
      (info) => {
        if (!info.isFile()) return fail(404, 'not found');
        response.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
        if (request.method === 'HEAD') return response.end();
        createReadStream(file).pipe(response);
      },
      () => fail(404, 'not found'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost === '0.0.0.0' ? 'localhost' : shownHost}:${address.port}/`,
        server,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
