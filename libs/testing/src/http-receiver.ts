import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request (its whole body read as UTF-8) with a status. */
export type ReceiverHandler = (request: IncomingMessage, body: string) => number | Promise<number>;

/**
 * A real HTTP server on 127.0.0.1 for what Tessera sends out (back-channel logout tokens, log
 * streams): it can be stopped and started again on the same port, so a test can take the receiver
 * down for part of a run. Stopping closes its open connections too, so the next request is refused.
 */
export class HttpReceiver {
  private server: Server | null = null;
  port = 0;

  constructor(private readonly handle: ReceiverHandler) {}

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        void Promise.resolve(this.handle(request, body)).then(
          (status) => response.writeHead(status, { 'cache-control': 'no-store' }).end(),
          () => response.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://127.0.0.1:<port><path>`. */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
}
