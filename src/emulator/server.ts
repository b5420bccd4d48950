/**
 * The emulator over real HTTP (Node only): node:http in front of the platform-neutral app,
 * through the same adapter as the server handlers (`toNodeHandler`).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "../server/node.js";
import { createOpenRouterEmulatorApp, mountEmulator, type MountedOpenRouterEmulator, type OpenRouterEmulatorOptions } from "./app.js";

export { MAX_BODY_BYTES } from "./http.js";

export interface StartOpenRouterEmulatorOptions extends OpenRouterEmulatorOptions {
  /** Default 0: any free port (read it from `url`). */
  port?: number;
  /** Default "127.0.0.1": loopback only. */
  host?: string;
}

export interface RunningOpenRouterEmulator extends MountedOpenRouterEmulator {
  /** Stops listening and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
}

/**
 * Starts the emulator on `host:port` (default 127.0.0.1 and a free port). The answer holds
 * the URLs to point the client at, the accepted API key, and the app's events and faults.
 */
export async function startOpenRouterEmulator(options: StartOpenRouterEmulatorOptions = {}): Promise<RunningOpenRouterEmulator> {
  const { port = 0, host = "127.0.0.1", ...appOptions } = options;
  const app = createOpenRouterEmulatorApp(appOptions);
  // Requests are handled once the port (and so the origin) is known: that is before the
  // first connection can be read, which happens on a later turn of the event loop.
  const server = createServer();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface: advertise loopback, which is among them.
  const reachable = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  const hostname = reachable.includes(":") ? `[${reachable}]` : reachable;
  const origin = `http://${hostname}:${address.port}`;
  // Request URLs are on the emulator's own origin, never on one a client names in `Host`.
  server.on("request", toNodeHandler((request) => app.handle(request), { origin }));

  let closing: Promise<void> | undefined;
  const running = mountEmulator(app, origin, {
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  });
  return running;
}
