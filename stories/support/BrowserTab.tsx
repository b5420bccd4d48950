import { useEffect, useRef, useState } from "react";

export interface BrowserTabProps {
  /** The page the tab opens. */
  src: string;
  /** The frame's accessible name. */
  title: string;
}

/**
 * A browser tab drawn as a frame with an address bar. The redirect flow leaves the page it
 * starts on and comes back to it; inside a frame, the story (and its emulator) stays put while
 * the "tab" goes to OpenRouter and back, and the address bar shows each step.
 */
export function BrowserTab({ src, title }: BrowserTabProps) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [address, setAddress] = useState(src);

  useEffect(() => {
    // Also catches history.replaceState (the library removes ?code= from the address bar).
    const timer = setInterval(() => {
      try {
        const href = frame.current?.contentWindow?.location.href;
        if (href && href !== "about:blank") setAddress(href);
      } catch {
        // another origin: keep the last address
      }
    }, 100);
    return () => clearInterval(timer);
  }, []);

  return (
    <figure style={{ margin: 0, width: "min(640px, 92vw)", border: "1px solid #9ca3af", borderRadius: 8, overflow: "hidden", background: "#fff" }}>
      <figcaption style={{ padding: "6px 10px", background: "#f3f4f6", borderBottom: "1px solid #9ca3af", font: "12px/1.4 ui-monospace, monospace" }}>
        <span style={{ color: "#374151" }}>Address: </span>
        <output data-testid="address" style={{ color: "#111827", overflowWrap: "anywhere" }}>
          {address}
        </output>
      </figcaption>
      <iframe ref={frame} src={src} title={title} style={{ display: "block", width: "100%", height: 380, border: 0 }} />
    </figure>
  );
}
