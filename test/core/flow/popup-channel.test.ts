// How a callback page hands its outcome back (src/core/flow/popup-channel.ts): to its opener on this
// origin only, over the BroadcastChannel only with an attempt id, and heard only by the attempt it names.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CALLBACK_MESSAGE_TYPE, CHANNEL_NAME, listenForCallback, relayToOpener, type CallbackMessage } from "../../../src/core/flow/popup-channel.js";
import { APP, FakeWindow } from "./fake-browser.js";

const ORIGIN = new URL(APP).origin;
let channel: BroadcastChannel;
let heardOnChannel: unknown[];

beforeEach(() => {
  heardOnChannel = [];
  channel = new BroadcastChannel(CHANNEL_NAME);
  channel.onmessage = (event) => heardOnChannel.push(event.data);
});
afterEach(() => {
  channel.close();
  vi.unstubAllGlobals();
});

/** Lets BroadcastChannel deliver (it goes through the event loop). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("relayToOpener", () => {
  it("posts to the opener, targeting this page's own origin, and on the channel when it knows its attempt", async () => {
    const page = new FakeWindow(`${APP}?code=c1`);
    const posted: Array<[unknown, string]> = [];
    page.opener = { postMessage: (data: unknown, origin: string) => posted.push([data, origin]) };
    vi.stubGlobal("window", page);
    relayToOpener({ attemptId: "a1", code: "c1" });
    const message: CallbackMessage = { type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "c1" };
    expect(posted).toEqual([[message, ORIGIN]]);
    await settle();
    expect(heardOnChannel).toEqual([message]);
  });

  it("without an attempt id it posts to the opener only: the channel would reach every window of this origin", async () => {
    const page = new FakeWindow(`${APP}?code=c1`);
    const posted: unknown[] = [];
    page.opener = { postMessage: (data: unknown) => posted.push(data) };
    vi.stubGlobal("window", page);
    relayToOpener({ attemptId: null, code: "c1" });
    await settle();
    expect(posted).toHaveLength(1);
    expect(heardOnChannel).toEqual([]);
  });

  it("without an opener (COOP severed it) the channel still carries it; an opener that throws changes nothing", async () => {
    const page = new FakeWindow(`${APP}?code=c2`);
    vi.stubGlobal("window", page);
    relayToOpener({ attemptId: "a2", code: "c2" });
    page.opener = {
      postMessage() {
        throw new DOMException("cross-origin", "SecurityError");
      },
    };
    relayToOpener({ attemptId: "a3", error: "access_denied" });
    await settle();
    expect(heardOnChannel).toEqual([
      { type: CALLBACK_MESSAGE_TYPE, attemptId: "a2", code: "c2" },
      { type: CALLBACK_MESSAGE_TYPE, attemptId: "a3", error: "access_denied" },
    ]);
  });

  it("does nothing without a window", () => {
    expect(() => relayToOpener({ attemptId: "a1", code: "c" })).not.toThrow();
  });
});

describe("listenForCallback", () => {
  it("hears its attempt on the channel, and stops hearing when told to", async () => {
    const page = new FakeWindow(APP);
    vi.stubGlobal("window", page);
    const heard: CallbackMessage[] = [];
    const stop = listenForCallback("a1", {} as Window, (message) => heard.push(message));
    channel.postMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "other", code: "x" });
    channel.postMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "c1" });
    channel.postMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: null, code: "c0" });
    await settle();
    expect(heard).toEqual([{ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "c1" }]);
    stop();
    channel.postMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "c2" });
    await settle();
    expect(heard).toHaveLength(1);
  });

  it("hears postMessage only from its popup, on this origin, naming it or no attempt; none after it stops", () => {
    const page = new FakeWindow(APP);
    vi.stubGlobal("window", page);
    const popup = {} as Window;
    const heard: unknown[] = [];
    const stop = listenForCallback("a1", popup, (message) => heard.push(message.code));
    page.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "ours" }, popup);
    page.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: null, code: "no-id" }, popup);
    page.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a2", code: "another-attempt" }, popup);
    page.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "another-window" }, {});
    page.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "another-origin" }, popup, "https://evil.example");
    page.receiveMessage({ type: "something else", attemptId: "a1", code: "not-ours" }, popup);
    expect(heard).toEqual(["ours", "no-id"]);
    stop();
    page.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "late" }, popup);
    expect(heard).toEqual(["ours", "no-id"]);
  });

  it("without a window there is nothing to listen to", () => {
    const stop = listenForCallback("a1", {} as Window, () => {});
    expect(() => stop()).not.toThrow();
  });
});
