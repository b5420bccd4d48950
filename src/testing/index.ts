// openrouter-connect/testing: msw handlers that answer like OpenRouter's key-issuing endpoints.
// They forward every request to the same platform-neutral emulator the Node server runs
// (openrouter-connect/emulator), so status codes, bodies, single-use codes and the PKCE check
// are exactly the emulator's. Works with `setupServer` (msw/node) and `setupWorker` (msw/browser).
// Needs `msw` 2.x, an optional peer dependency of this package.
import { http, type HttpHandler } from "msw";
import { HTTP_URL_MESSAGE, httpUrl } from "../core/http-url.js";
import {
  createOpenRouterEmulatorApp,
  mountEmulator,
  type MountedOpenRouterEmulator,
  type OpenRouterEmulatorOptions,
} from "../emulator/app.js";
import { ROUTE_PATHS } from "../emulator/routes.js";

export { EMULATOR_DEV_API_KEY, DEFAULT_CODE_TTL_MS } from "../emulator/app.js";
export type {
  CodeIssuedEvent,
  ConsentDeniedEvent,
  EmulatorEvent,
  EmulatorFaults,
  EmulatorRoute,
  ExchangeEvent,
  ExchangeOutcome,
  FaultEvent,
  KeyRevokedEvent,
  OpenRouterEmulatorApp,
  OpenRouterEmulatorOptions,
  RequestEvent,
} from "../emulator/app.js";

/** OpenRouter's origin: the handlers' default, so the library's defaults need no configuration. */
export const OPENROUTER_ORIGIN = "https://openrouter.ai";

/** The emulator's routes below its base URL; nothing else on that origin is answered. */
const ROUTES = Object.values(ROUTE_PATHS);

export interface CreateOpenRouterHandlersOptions extends Omit<OpenRouterEmulatorOptions, "basePath"> {
  /**
   * Where the emulated OpenRouter lives: an origin, optionally with a path prefix
   * (`https://openrouter.test/tenant-a`) to run several independent emulators side by side.
   * Default `https://openrouter.ai`, which the library uses when nothing is configured.
   */
  baseUrl?: string;
}

export interface OpenRouterHandlers extends MountedOpenRouterEmulator {
  /** Pass these to `setupServer(...)`, `setupWorker(...)` or `server.use(...)`. */
  readonly handlers: HttpHandler[];
}

/** The base URL as origin and path prefix ("" or "/prefix", never a trailing slash). */
function normalizeBaseUrl(value: string): { origin: string; path: string } {
  const url = httpUrl(value);
  if (!url) throw new TypeError(`baseUrl ${HTTP_URL_MESSAGE}, got "${value}"`);
  if (url.search || url.hash || url.username || url.password) throw new TypeError("baseUrl must not contain a query, fragment or credentials");
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, "") };
}

/**
 * msw request handlers backed by a fresh OpenRouter emulator (one per call, so each test or
 * story starts clean). They answer `GET|POST /auth` (consent page and its form),
 * `POST /api/v1/auth/keys/code`, `POST /api/v1/auth/keys`, `GET /api/v1/key` and
 * `GET|POST /settings/keys` (the keys page, `keysUrl`) below `baseUrl`, every method included
 * (preflights, 405s), and nothing else on that origin.
 *
 * In browsers, a service worker never sees navigations: a popup or redirect to `authUrl` goes to
 * the network, not to these handlers. Fetch the consent page instead (or serve `app.handle`
 * from your dev server) when a test must click Approve.
 *
 * @example
 * const openrouter = createOpenRouterHandlers();
 * const server = setupServer(...openrouter.handlers);
 * // ... run the flow, then:
 * expect(openrouter.exchanges()).toHaveLength(1);
 */
export function createOpenRouterHandlers(options: CreateOpenRouterHandlersOptions = {}): OpenRouterHandlers {
  const { baseUrl = OPENROUTER_ORIGIN, ...emulatorOptions } = options;
  const base = normalizeBaseUrl(baseUrl);
  const url = base.origin + base.path;
  const app = createOpenRouterEmulatorApp({ ...emulatorOptions, basePath: base.path });
  const handlers = ROUTES.map((route) => http.all(url + route, ({ request }) => app.handle(request)));
  return mountEmulator(app, url, { handlers });
}
