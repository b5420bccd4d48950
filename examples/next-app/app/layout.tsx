import type { Metadata } from "next";
import { connectButtonCss } from "openrouter-connect";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "openrouter-connect · Next.js",
  description: "Each user gets an OpenRouter API key of their own.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        {/* The button's stylesheet in the server's HTML: styled before hydration, no flash. */}
        <style>{connectButtonCss}</style>
      </head>
      <body>{children}</body>
    </html>
  );
}
