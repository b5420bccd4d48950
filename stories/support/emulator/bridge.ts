// One emulator per story, answering requests from every window of this origin.
//
// The story's window (Storybook's preview, or vitest's test frame) owns the emulators: msw
// intercepts its fetches and `respond()` answers them with the story's handlers from
// `createOpenRouterHandlers`. Other windows of the flow (the consent popup, the paste tab, the
// redirect flow's app frame) are separate documents with no emulator of their own: they send
// their requests over a BroadcastChannel, and whichever window owns the emulator at that URL
// answers with the very same handlers. So a code approved in the popup is the code the story
// exchanges, and each emulator's base URL is unique, so two Storybook tabs never answer twice.
import { getResponse } from "msw";
import type { OpenRouterHandlers } from "../../../src/testing/index.js";

const CHANNEL = "openrouter-connect:storybook-emulator";
/** How long a window waits for the story's emulator before saying it is gone. */
const BRIDGE_TIMEOUT_MS = 5000;

interface BridgeRequest {
  type: "request";
  id: string;
  url: string;
  method: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer | null;
}

interface BridgeResponse {
  type: "response";
  id: string;
  /** The emulator dropped the connection (fault `dropNext`): a network error. */
  networkError: boolean;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer | null;
}

const emulators = new Set<OpenRouterHandlers>();

function ownerOf(url: string): OpenRouterHandlers | undefined {
  for (const emulator of emulators) if (url.startsWith(`${emulator.url}/`)) return emulator;
  return undefined;
}

/** The story's emulator answers, through its msw handlers; `undefined` when no emulator here owns the URL. */
export async function respond(request: Request): Promise<Response | undefined> {
  const emulator = ownerOf(request.url);
  return emulator ? getResponse(emulator.handlers, request) : undefined;
}

let hostChannel: BroadcastChannel | undefined;

/** In the story's window: makes `emulator` answer here and over the bridge until the returned function runs. */
export function hostEmulator(emulator: OpenRouterHandlers): () => void {
  emulators.add(emulator);
  hostChannel ??= listen();
  return () => emulators.delete(emulator);
}

function listen(): BroadcastChannel {
  const channel = new BroadcastChannel(CHANNEL);
  channel.addEventListener("message", (event: MessageEvent<BridgeRequest | BridgeResponse>) => {
    const message = event.data;
    if (message?.type !== "request" || !ownerOf(message.url)) return;
    void answer(message).then((reply) => channel.postMessage(reply));
  });
  return channel;
}

async function answer(message: BridgeRequest): Promise<BridgeResponse> {
  const request = new Request(message.url, { method: message.method, headers: message.headers, body: message.body });
  const response = await respond(request);
  if (!response || response.type === "error") {
    return { type: "response", id: message.id, networkError: true, status: 0, statusText: "", headers: [], body: null };
  }
  return {
    type: "response",
    id: message.id,
    networkError: false,
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: response.status === 204 || response.status === 304 ? null : await response.arrayBuffer(),
  };
}

/**
 * In any other window: sends `request` to the window that owns its emulator and resolves with
 * the answer, like `fetch` without following redirects. Rejects when no window answers.
 */
export async function bridgeFetch(request: Request): Promise<Response> {
  const id = crypto.randomUUID();
  const body = request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer();
  const message: BridgeRequest = { type: "request", id, url: request.url, method: request.method, headers: [...request.headers], body };
  const channel = new BroadcastChannel(CHANNEL);
  try {
    const reply = await new Promise<BridgeResponse>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`No Storybook story runs the emulator at ${new URL(request.url).origin}; it stopped when its story closed. Start the flow again from the story.`)),
        BRIDGE_TIMEOUT_MS,
      );
      channel.addEventListener("message", (event: MessageEvent<BridgeRequest | BridgeResponse>) => {
        if (event.data?.type !== "response" || event.data.id !== id) return;
        clearTimeout(timer);
        resolve(event.data);
      });
      channel.postMessage(message);
    });
    if (reply.networkError) return Response.error();
    return new Response(reply.body, { status: reply.status, statusText: reply.statusText, headers: reply.headers });
  } finally {
    channel.close();
  }
}
