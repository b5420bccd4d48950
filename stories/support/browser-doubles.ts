// Stand-ins for browser behaviour a story can't cause from a script: a popup blocker, a user
// closing OpenRouter's window, storage a browser refuses. Each is installed by a story's
// `beforeEach` and removed when the story ends. The library code under them is the real one.
import { spyOn } from "storybook/test";

/** The browser's popup blocker: `window.open` returns null, as it does for a blocked popup. */
export function blockPopups(): () => void {
  const spy = spyOn(window, "open").mockReturnValue(null);
  return () => spy.mockRestore();
}

export interface CrossOriginPopup {
  /** What the user does with the window's close button. */
  close(): void;
}

/**
 * `window.open` returns what a browser exposes of a popup showing another origin's page: it can be
 * navigated and closed, but reading its location throws. (The emulator's consent page is on this
 * origin, so a real popup of this Storybook can't show the flow what OpenRouter's window looks like.)
 */
export function openCrossOriginPopups(): { popup: CrossOriginPopup; restore: () => void } {
  let closed = false;
  let navigated = false;
  const blank = document.implementation.createHTMLDocument("");
  const standIn = {
    get closed() {
      return closed;
    },
    close() {
      closed = true;
    },
    focus() {},
    postMessage() {},
    get document() {
      if (navigated) throw new DOMException("Blocked a frame from accessing a cross-origin frame.", "SecurityError");
      return blank;
    },
    location: {
      replace() {
        navigated = true;
      },
      get href(): string {
        if (!navigated) return "about:blank";
        throw new DOMException("Blocked a frame from accessing a cross-origin frame.", "SecurityError");
      },
    },
  };
  const spy = spyOn(window, "open").mockReturnValue(standIn as unknown as Window);
  return { popup: { close: () => standIn.close() }, restore: () => spy.mockRestore() };
}

/** A browser that refuses sessionStorage writes (some privacy modes, sandboxed frames). */
export function refuseSessionStorage(): () => void {
  const setItem = Storage.prototype.setItem;
  const spy = spyOn(Storage.prototype, "setItem").mockImplementation(function (this: Storage, key: string, value: string) {
    if (this === window.sessionStorage) throw new DOMException("The operation is insecure.", "SecurityError");
    setItem.call(this, key, value);
  });
  return () => spy.mockRestore();
}
