/**
 * Graceful shutdown: on SIGTERM/SIGINT report not-ready (`/ready` = 503) while still serving for a
 * window (`delayMs`), so that a load balancer polling `/ready` stops sending traffic before the
 * listener goes; then stop accepting connections, let in-flight requests finish, and force-close
 * whatever is still open. The window and the drain together stay within `timeoutMs`. Containers get
 * SIGTERM from `docker stop` and Kubernetes, then SIGKILL after their grace period: the whole shutdown
 * must finish inside it (the compose file sets both from one constant, DOCKER.md).
 */
import type { Server } from 'node:http';
import type { Logger } from './logger.js';

export interface DrainResult {
  readonly forced: boolean;
  readonly ms: number;
}

/** Closes `server`, waiting for open requests at most `timeoutMs`. Idle keep-alive sockets close at once. */
export function drain(server: Server, timeoutMs: number): Promise<DrainResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, timeoutMs);
    timer.unref();
    // A keep-alive socket becomes idle when its in-flight response ends; close it then rather than
    // waiting for the keep-alive timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve({ forced, ms: Date.now() - started });
    });
    server.closeIdleConnections();
  });
}

/** The not-ready window (the listener stays open), then `drain` with what is left of `timeoutMs`. */
export async function stopServing(server: Server, delayMs: number, timeoutMs: number, wait: (ms: number) => Promise<void> = sleep): Promise<DrainResult> {
  const window = Math.min(delayMs, timeoutMs);
  const started = Date.now();
  await wait(window);
  const result = await drain(server, Math.max(0, timeoutMs - (Date.now() - started)));
  return { forced: result.forced, ms: Date.now() - started };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Signal = 'SIGTERM' | 'SIGINT';

export interface ShutdownOptions {
  readonly server: Server;
  readonly logger: Logger;
  /** The whole shutdown: the not-ready window and the drain. */
  readonly timeoutMs: number;
  /** The not-ready window: serving on, `/ready` answering 503. */
  readonly delayMs: number;
  readonly onDraining: () => void;
  readonly exit?: (code: number) => void;
  readonly signals?: readonly Signal[];
}

/** Installs the signal handlers; returns a function that removes them. A second signal exits at once. */
export function installShutdown(options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let draining = false;
  const handler = (signal: Signal) => {
    if (draining) {
      options.logger.warn('second signal during shutdown, exiting now', { signal });
      exit(1);
      return;
    }
    draining = true;
    options.onDraining();
    options.logger.info('shutting down', { signal, timeoutMs: options.timeoutMs, notReadyMs: Math.min(options.delayMs, options.timeoutMs) });
    void stopServing(options.server, options.delayMs, options.timeoutMs).then(({ forced, ms }) => {
      options.logger.info('stopped', { forced, ms });
      exit(0);
    });
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
