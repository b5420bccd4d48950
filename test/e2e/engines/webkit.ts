// WebKitGTK through selenium-webdriver and WebKitWebDriver (WebDriver classic), each worker with
// its own Xvfb display (MiniBrowser needs one, and without one it waits forever) and driver, each
// test in a new session (a new MiniBrowser). All HTTP goes through the suite's proxy. WebKit's
// popup blocker is on as users have it: no window without a user gesture.
//
// WebDriver classic talks to one "current" window at a time: every command here switches to its
// window first, under a lock, so two windows' commands never interleave.
import { Builder, type WebDriver } from "selenium-webdriver";
import { Origin } from "selenium-webdriver/lib/input.js";
import { createServer } from "node:net";
import type { Engine, EngineSession, EngineWindow } from "./driver.js";
import { poll, withDeadline } from "./driver.js";
import { groupMembers, spawnGroup, startXvfb, stopGroup } from "./processes.js";

export const WEBKIT_DRIVER = process.env.WEBKIT_WEBDRIVER ?? "WebKitWebDriver";
export const MINIBROWSER = process.env.WEBKIT_MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Runs one command at a time, in order (WebDriver classic has one current window). */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function sessionOf(driver: WebDriver, firstHandle: string, ended: () => Promise<void>): EngineSession {
  const lock = new Lock();
  let current: string | null = firstHandle;
  const windows = new Map<string, EngineWindow>();

  const on = <T>(handle: string, command: () => Promise<T>) =>
    lock.run(async () => {
      if (current !== handle) {
        await driver.switchTo().window(handle);
        current = handle;
      }
      return command();
    });

  const handles = () => lock.run(() => driver.getAllWindowHandles());

  const wrap = (handle: string): EngineWindow => {
    let window = windows.get(handle);
    if (window) return window;
    window = {
      id: handle,
      goto: (url) => on(handle, () => driver.get(url)),
      reload: () => on(handle, () => driver.navigate().refresh()),
      back: () => on(handle, () => driver.navigate().back()),
      forward: () => on(handle, () => driver.navigate().forward()),
      url: () => on(handle, () => driver.getCurrentUrl()),
      call: (source, argument) =>
        on(handle, async () => {
          const text = (await driver.executeScript(
            `return Promise.resolve((${source})(JSON.parse(arguments[0]))).then(function (result) { return result === undefined ? "__undefined__" : JSON.stringify(result); });`,
            JSON.stringify(argument),
          )) as string;
          return text === "__undefined__" ? undefined : JSON.parse(text);
        }),
      clickAt: (x, y) =>
        on(handle, async () => {
          await driver.actions({ async: true }).move({ x, y, origin: Origin.VIEWPORT }).press().release().perform();
        }),
      // WebDriver's Switch To Window focuses the window it switches to.
      bringToFront: () =>
        lock.run(async () => {
          await driver.switchTo().window(handle);
          current = handle;
        }),
      close: () =>
        on(handle, async () => {
          await driver.close();
          current = null;
        }),
      isClosed: async () => !(await handles()).includes(handle),
    };
    windows.set(handle, window);
    return window;
  };

  return {
    windows: async () => (await handles()).map(wrap),
    newWindow: () =>
      lock.run(async () => {
        await driver.switchTo().newWindow("tab");
        current = await driver.getWindowHandle();
        return wrap(current);
      }),
    close: async () => {
      await withDeadline(driver.quit(), 10_000, "end the WebKit session");
      await ended();
    },
  };
}

/** WebKitWebDriver on a free port of `display`, answering /status; bounded. */
async function startDriver(display: string): Promise<{ server: string; pid: number; stop: () => void }> {
  const port = await freePort();
  // en-US as the other engines default to (under LANG=C WebKit formats "$ 10.00", ICU's root locale).
  const child = spawnGroup(WEBKIT_DRIVER, [`--port=${port}`], { env: { ...process.env, DISPLAY: display, LANG: "en_US.UTF-8", LANGUAGE: "en_US" }, stdio: "ignore" });
  const pid = child.pid as number;
  const server = `http://127.0.0.1:${port}`;
  try {
    await poll(
      async () => {
        const response = await fetch(`${server}/status`, { signal: AbortSignal.timeout(1000) });
        return response.ok ? true : undefined;
      },
      { timeout: 10_000, what: "WebKitWebDriver answers /status" },
    );
  } catch (error) {
    stopGroup(pid);
    throw error;
  }
  // The group holds the driver and the MiniBrowser processes it started.
  return { server, pid, stop: () => stopGroup(pid) };
}

export async function launchWebKit({ proxy }: { proxy: string }): Promise<Engine> {
  const startedAt = performance.now();
  const xvfb = await startXvfb();
  let driverProcess: { server: string; pid: number; stop: () => void };
  try {
    driverProcess = await startDriver(xvfb.display);
  } catch (error) {
    xvfb.stop();
    throw error;
  }
  const launchMs = performance.now() - startedAt;
  const capabilities = {
    browserName: "MiniBrowser",
    "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation", `--proxy=http://${proxy}`, "--ignore-host="] },
  };
  const start = async () => {
    // Bounded: a MiniBrowser that cannot start (no display) would keep this waiting forever.
    const driver = await withDeadline(new Builder().usingServer(driverProcess.server).withCapabilities(capabilities).build(), 10_000, "start a WebKit session");
    await driver.manage().window().setRect({ width: 1000, height: 900 }).catch(() => undefined);
    // A session has ended once its MiniBrowser processes are gone; quit answers before they are.
    // Whatever of it still runs then is stopped and waited for (zombies, reaped later by the
    // driver, count as gone), so no two MiniBrowsers ever share the display and the driver.
    const { pid } = driverProcess;
    const leftovers = () => groupMembers(pid).filter((member) => member !== pid);
    const signal = (name: NodeJS.Signals) => {
      for (const member of leftovers()) {
        try {
          process.kill(member, name);
        } catch {
          // exited meanwhile
        }
      }
    };
    const gone = (timeout: number) => poll(async () => (leftovers().length === 0 ? true : undefined), { timeout, interval: 20, what: "the last MiniBrowser to exit" });
    const ended = async () => {
      if (leftovers().length === 0) return;
      signal("SIGTERM");
      await gone(1_000).catch(() => {
        signal("SIGKILL");
        return gone(4_000);
      });
    };
    return sessionOf(driver, await driver.getWindowHandle(), ended);
  };
  return {
    name: "webkit",
    launchMs,
    newSession: async () => {
      try {
        return await start();
      } catch (error) {
        // A MiniBrowser that never connects back is the browser failing to start, not a test
        // failing (seen twice in ~260 sessions on a loaded machine, before leftovers of the last
        // session were waited for; none in 300 since): say so, start a new driver (its group
        // takes the stuck MiniBrowser along) and try once more.
        process.stdout.write(`[e2e webkit] ${(error as Error).message}; restarting WebKitWebDriver and trying once more\n`);
        driverProcess.stop();
        driverProcess = await startDriver(xvfb.display);
        return start();
      }
    },
    close: async () => {
      driverProcess.stop();
      xvfb.stop();
    },
  };
}
