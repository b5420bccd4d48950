// Shared by the emulator tests: a server per test, a fetch that records the wire, an HTML
// parser (jsdom) to drive the consent page as a browser would.
import { getByRole } from "@testing-library/dom";
// @ts-expect-error jsdom ships no types and @types/jsdom is not a dependency; only the constructor is used.
import { JSDOM as UntypedJSDOM } from "jsdom";
import { expect, onTestFinished } from "vitest";
import { createOpenRouterAuthClient, type OpenRouterAuthClientOptions } from "../../src/core/client.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator, type StartOpenRouterEmulatorOptions } from "../../src/emulator/index.js";
import { check, requestSchema, responseSchema, type Operation } from "./openapi.js";

const JSDOM = UntypedJSDOM as new (html: string, options: { url: string }) => { window: Window & typeof globalThis };

/** A fresh emulator on a free loopback port, closed when the test ends. */
export async function startEmulator(options: StartOpenRouterEmulatorOptions = {}): Promise<RunningOpenRouterEmulator> {
  const emulator = await startOpenRouterEmulator(options);
  onTestFinished(() => emulator.close());
  return emulator;
}

export interface WireRecord {
  operation: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** A fetch that keeps every request body and answer it sees, for the spec checks. */
export function recordingFetch(records: WireRecord[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const requestText = request.body ? await request.clone().text() : "";
    const response = await fetch(request);
    records.push({
      operation: `${request.method} ${new URL(request.url).pathname}`,
      requestBody: parseJson(requestText),
      status: response.status,
      responseBody: parseJson(await response.clone().text()),
    });
    return response;
  };
}

const OPERATIONS: readonly string[] = ["POST /api/v1/auth/keys/code", "POST /api/v1/auth/keys", "GET /api/v1/key"];

/** Every recorded request and answer conforms to the OpenAPI spec, inventing no fields. */
export function expectWireConforms(records: readonly WireRecord[]): void {
  expect(records.length).toBeGreaterThan(0);
  for (const record of records) {
    expect(OPERATIONS).toContain(record.operation);
    const operation = record.operation as Operation;
    if (operation.startsWith("POST")) expect(check(requestSchema(operation), record.requestBody, { closed: true }), `${operation} request`).toEqual([]);
    expect(check(responseSchema(operation, record.status), record.responseBody, { closed: true }), `${operation} ${record.status}`).toEqual([]);
  }
}

export interface ClientHarness {
  client: ReturnType<typeof createOpenRouterAuthClient>;
  wire: WireRecord[];
}

/** The project's own client, pointed at `emulator`, recording the wire. */
export function clientFor(emulator: RunningOpenRouterEmulator, options: OpenRouterAuthClientOptions = {}): ClientHarness {
  const wire: WireRecord[] = [];
  const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey, fetch: recordingFetch(wire), ...options });
  return { client, wire };
}

/** What `promise` rejected with (fails the test if it resolved). */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One request with fetch, the body parsed as JSON when it is JSON. */
export async function raw(url: string, init: RequestInit = {}): Promise<RawAnswer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: parseJson(await response.text()) };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return raw(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

export function consentUrl(emulator: RunningOpenRouterEmulator, params: Record<string, string>): string {
  const url = new URL(emulator.authUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  return url.toString();
}

export interface ConsentPage {
  status: number;
  headers: Headers;
  html: string;
  document: Document;
}

/** GETs a page and parses it with jsdom, as a browser would. */
export async function openPage(url: string): Promise<ConsentPage> {
  const response = await fetch(url, { redirect: "manual" });
  const html = await response.text();
  const { window } = new JSDOM(html, { url });
  return { status: response.status, headers: response.headers, html, document: window.document };
}

/**
 * Clicks a button of the page's form the way a browser submits it: the form's own action
 * and fields (hidden ones included) plus the clicked button's name=value, urlencoded, with
 * `headers` a browser adds (such as `Origin`). The redirect is not followed, so the test sees the 303.
 */
export async function clickButton(page: ConsentPage, name: string | RegExp, headers: Record<string, string> = {}): Promise<Response> {
  const button = getByRole(page.document.body, "button", { name }) as HTMLButtonElement;
  const form = button.form;
  if (!form) throw new Error(`the ${String(name)} button is not in a form`);
  expect(form.method).toBe("post");
  const view = page.document.defaultView as Window & typeof globalThis;
  const fields = new view.FormData(form, button);
  const body = new URLSearchParams();
  for (const [field, value] of fields) body.append(field, String(value));
  return fetch(form.action, { method: "POST", body, headers, redirect: "manual" });
}

/** A page of the emulator parsed from a response already received. */
export async function parseResponsePage(response: Response, url: string): Promise<ConsentPage> {
  const html = await response.text();
  const { window } = new JSDOM(html, { url });
  return { status: response.status, headers: response.headers, html, document: window.document };
}
