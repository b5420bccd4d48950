"use client";
import { useInsertionEffect } from "react";
import { connectButtonCss } from "./stylesheet.js";

const STYLE_ID = "openrouter-connect-styles";

/** Adds the default stylesheet to the document once (never during server rendering). */
export function useConnectButtonStyles(enabled: boolean): void {
  useInsertionEffect(() => {
    if (!enabled || document.getElementById(STYLE_ID)) return;
    const style = document.createElement("style");
    style.id = STYLE_ID;
    style.textContent = connectButtonCss;
    document.head.appendChild(style);
  }, [enabled]);
}
