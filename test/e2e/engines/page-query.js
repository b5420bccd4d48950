// Runs in the page (sent by driver.ts with every locator operation): finds the elements of a
// locator chain with Testing Library's queries (installed into the page once, see driver.ts) and
// reads or acts on them. Every step searches inside the elements the step before found, as
// Playwright's chained locators do; role, label and text queries match the whole accessible name
// or text (after normalising whitespace) unless given a RegExp.
/* eslint-disable @typescript-eslint/no-unused-expressions -- one function expression, applied by whoever sends it */
(function query(request) {
  "use strict";
  var TL = window.TestingLibraryDom;
  if (!TL) return { install: true };
  var chain = request.chain;

  function matcher(text) {
    if (text && typeof text === "object") return new RegExp(text.source, text.flags);
    return text;
  }

  function find(root, step) {
    switch (step.by) {
      case "css":
        return Array.prototype.slice.call(root.querySelectorAll(step.selector));
      case "testid":
        return TL.queryAllByTestId(root, step.id);
      case "label":
        return TL.queryAllByLabelText(root, matcher(step.text));
      case "text":
        return TL.queryAllByText(root, matcher(step.text));
      case "role": {
        var options = {};
        if (step.name !== undefined) options.name = matcher(step.name);
        if (step.level !== undefined) options.level = step.level;
        return TL.queryAllByRole(root, step.role, options);
      }
      default:
        throw new Error("unknown locator step " + JSON.stringify(step));
    }
  }

  var found = [document.documentElement];
  for (var i = 0; i < chain.length; i++) {
    var step = chain[i];
    if (step.by === "nth") {
      found = found.length > step.index ? [found[step.index]] : [];
      continue;
    }
    if (step.by === "hasText") {
      var wanted = matcher(step.text);
      found = found.filter(function (element) {
        var content = (element.textContent || "").replace(/\s+/g, " ");
        return typeof wanted === "string" ? content.indexOf(wanted) >= 0 : wanted.test(content);
      });
      continue;
    }
    var next = [];
    for (var j = 0; j < found.length; j++) {
      var hits = find(found[j], step);
      for (var k = 0; k < hits.length; k++) if (next.indexOf(hits[k]) < 0) next.push(hits[k]);
    }
    found = next;
  }

  function visible(element) {
    if (!element.isConnected) return false;
    var style = window.getComputedStyle(element);
    return style.visibility !== "hidden" && element.getClientRects().length > 0;
  }

  function text(element) {
    return (element.textContent || "").replace(/\s+/g, " ").trim();
  }

  var op = request.op;
  if (op === "count") return { count: found.length };
  if (op === "texts") return { texts: found.map(text), raw: found.map(function (element) { return element.textContent || ""; }) };

  // The rest act on one element: none or several is an answer the caller retries or reports.
  if (found.length !== 1) return { count: found.length };
  var element = found[0];
  switch (op) {
    case "state":
      return {
        count: 1,
        visible: visible(element),
        enabled: !element.disabled && element.getAttribute("aria-disabled") !== "true",
        text: text(element),
        value: "value" in element ? String(element.value) : null,
        attributes: Array.prototype.reduce.call(element.attributes, function (all, attribute) { all[attribute.name] = attribute.value; return all; }, {}),
      };
    case "point": {
      // Where a real click lands: the element's centre once scrolled into view, if nothing covers it.
      if (!visible(element)) return { count: 1, ready: false, why: "not visible" };
      if (element.disabled) return { count: 1, ready: false, why: "disabled" };
      element.scrollIntoView({ block: "center", inline: "center" });
      var box = element.getBoundingClientRect();
      var x = box.left + box.width / 2;
      var y = box.top + box.height / 2;
      var hit = document.elementFromPoint(x, y);
      if (!hit || (hit !== element && !element.contains(hit))) return { count: 1, ready: false, why: "covered by " + (hit ? hit.outerHTML.slice(0, 80) : "nothing") };
      return { count: 1, ready: true, x: Math.round(x), y: Math.round(y) };
    }
    case "fill": {
      // As a paste: the whole text inserted at once through the editing commands (trusted input
      // events React sees), replacing what the field held. The caller clicked the field first.
      if (document.activeElement !== element) element.focus();
      element.select();
      if (request.text === "") document.execCommand("delete");
      else document.execCommand("insertText", false, request.text);
      return { count: 1, value: element.value };
    }
    case "select": {
      var options = Array.prototype.slice.call(element.options);
      var option = options.filter(function (o) { return o.value === request.value || o.label === request.value; })[0];
      if (!option) return { count: 1, error: "no option " + request.value };
      element.value = option.value;
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
      return { count: 1, value: element.value };
    }
    case "dispatch-click":
      // A click with no user gesture behind it (a script calling click()): only for tests of what
      // an engine's popup blocker does when no user asked for a window.
      element.click();
      return { count: 1 };
    default:
      throw new Error("unknown locator op " + op);
  }
})
