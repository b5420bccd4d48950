// The page probe: the recording proxy (proxy.ts) puts this first into every HTML document, in
// every engine, as `(probe)(options)`. It reports to the test process with a synchronous POST to
// /__e2e__/report on the page's own origin (the proxy answers it), so a report has arrived by the
// time the code that caused it goes on: no log endpoint needed (WebKitWebDriver has none), and
// every engine reports the same way.
//
// Reports: page errors (uncaught errors, unhandled rejections, failed element loads), every
// console line, window.open calls (with `window.event?.type`: "click" when inside the click),
// fetches, storage writes, strings hashed with SHA-256 that look like PKCE verifiers, and the
// page's URL (at load and on every history change). It also keeps, per document, what the
// opener saw of each window it opened (`same-origin`, `cross-origin`, `closed`), polled every
// few ms, for the engine notes on COOP, and the window's focus and blur events.
//
// Options: `blockPopups` makes window.open answer null (a stand-in blocker for an engine whose
// automation turns its own blocker off); `ignoreWindowClose` makes window.close do nothing (a
// browser that keeps a popup open); `watchDom` (a list of `{ name, pattern, flags }`) watches the
// document from its first node on, with a MutationObserver, and reports (`dom`, once per name and
// document) the first time a pattern matches text or an attribute put into it: even something
// that was in the DOM for a single task, never painted, is seen.
/* eslint-disable @typescript-eslint/no-unused-expressions -- one function expression, applied by whoever sends it */
(function probe(options) {
  "use strict";
  if (window.__e2e) return;
  var XHR = window.XMLHttpRequest;
  var stringify = JSON.stringify;
  var state = { opens: [], fetches: [], focus: [], dom: [] };
  Object.defineProperty(window, "__e2e", { value: state });

  function send(kind, data) {
    try {
      var body = { kind: kind, href: String(location.href), at: Date.now() };
      for (var name in data) body[name] = data[name];
      var xhr = new XHR();
      xhr.open("POST", "/__e2e__/report", false);
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.send(stringify(body));
    } catch {
      // A page being torn down cannot report; nothing else to do from here.
    }
  }

  function describe(value) {
    if (value instanceof Error) return (value.name || "Error") + ": " + value.message + (value.stack ? "\n" + value.stack : "");
    if (typeof value === "string") return value;
    try {
      var text = stringify(value);
      return text === undefined ? String(value) : text;
    } catch {
      return String(value);
    }
  }

  window.addEventListener(
    "error",
    function (event) {
      var target = event.target;
      if (target && target !== window && target.nodeType === 1) {
        send("error", { message: "failed to load <" + target.localName + "> " + (target.src || target.href || "") });
        return;
      }
      send("error", { message: describe(event.error === undefined || event.error === null ? event.message : event.error) });
    },
    true,
  );
  // Focus and blur of the window, trusted or not (a stand-in focus is dispatched by a script).
  ["focus", "blur"].forEach(function (type) {
    window.addEventListener(type, function (event) {
      if (event.target === window) state.focus.push({ type: type, trusted: event.isTrusted, at: Date.now() });
    });
  });

  window.addEventListener("unhandledrejection", function (event) {
    send("error", { message: "unhandled rejection: " + describe(event.reason) });
  });

  ["debug", "log", "info", "warn", "error"].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      var parts = [];
      for (var i = 0; i < arguments.length; i++) parts.push(describe(arguments[i]));
      send("console", { level: level, text: parts.join(" ") });
      return original.apply(this, arguments);
    };
  });

  function watch(popup, record) {
    // What the opener can read of the window: its location while same-origin, a SecurityError
    // while cross-origin, `closed` once the browser says so.
    var last = null;
    var startedAt = performance.now();
    function look() {
      var view;
      try {
        if (popup.closed) view = "closed";
        else {
          void popup.location.href;
          view = "same-origin";
        }
      } catch {
        view = "cross-origin";
      }
      if (view !== last) {
        last = view;
        record.views.push({ view: view, ms: Math.round(performance.now() - startedAt) });
      }
      if (view !== "closed" && performance.now() - startedAt < 600000) setTimeout(look, 1);
    }
    look();
  }

  var open = window.open;
  window.open = function (url, target) {
    var event = window.event ? window.event.type : null;
    var popup = options.blockPopups ? null : open.apply(this, arguments);
    var record = { event: event, url: url === undefined ? "" : String(url), target: target === undefined ? null : String(target), blocked: popup === null, views: [] };
    state.opens.push(record);
    send("open", { event: record.event, url: record.url, target: record.target, blocked: record.blocked });
    if (popup) watch(popup, record);
    return popup;
  };
  if (options.ignoreWindowClose) window.close = function () {};

  var fetch = window.fetch;
  window.fetch = function (input, init) {
    var request = input instanceof Request ? input : null;
    var method = ((init && init.method) || (request && request.method) || "GET").toUpperCase();
    var url = request ? request.url : new URL(String(input), location.href).href;
    var body = init && typeof init.body === "string" ? init.body : null;
    state.fetches.push({ method: method, url: url, body: body });
    send("fetch", { method: method, url: url, body: body });
    return fetch.apply(this, arguments);
  };

  var setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (name, value) {
    var area = "unknown";
    try {
      area = this === window.localStorage ? "local" : this === window.sessionStorage ? "session" : "unknown";
    } catch {
      // storage blocked for this page
    }
    send("storage", { area: area, origin: location.origin, name: String(name), value: String(value) });
    return setItem.call(this, name, value);
  };

  var subtle = window.crypto && window.crypto.subtle;
  if (subtle) {
    var digest = subtle.digest;
    subtle.digest = function (algorithm, data) {
      try {
        var bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        var text = new TextDecoder().decode(bytes);
        if (/^[A-Za-z0-9._~-]{43,128}$/.test(text)) send("digest", { value: text });
      } catch {
        // not text: not a verifier
      }
      return digest.call(this, algorithm, data);
    };
  }

  var watches = (options.watchDom || []).map(function (watch) {
    return { name: watch.name, pattern: new RegExp(watch.pattern, (watch.flags || "").replace("g", "")), seen: false };
  });
  function look(text, how) {
    if (!text) return;
    watches.forEach(function (watch) {
      if (watch.seen || !watch.pattern.test(text)) return;
      watch.seen = true;
      var seen = { name: watch.name, how: how, at: Date.now() };
      state.dom.push(seen);
      send("dom", seen);
    });
  }
  if (watches.length) {
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        if (record.type === "childList") {
          record.addedNodes.forEach(function (node) {
            look(node.nodeType === 1 ? node.outerHTML : node.textContent, "added");
          });
        } else if (record.type === "characterData") {
          // The value before this change, and the one now: a value set and changed again within
          // one task shows only as the next record's old value.
          look(record.oldValue, "text");
          look(record.target.data, "text");
        } else if (record.type === "attributes") {
          look(record.oldValue, "attribute");
          look(record.target.getAttribute(record.attributeName), "attribute");
        }
      });
    }).observe(document, { subtree: true, childList: true, characterData: true, characterDataOldValue: true, attributes: true, attributeOldValue: true });
  }

  send("url", { url: String(location.href) });
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      send("url", { url: String(location.href) });
      return result;
    };
  });
})
