import type { SVGProps } from "react";

/** This project's mark: a key whose bow is a connection ring. Decorative (aria-hidden). */
export function OpenRouterIcon(props: SVGProps<SVGSVGElement>) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" aria-hidden="true" {...props}>
      <circle cx="7.5" cy="12" r="4" />
      <circle cx="7.5" cy="12" r="1.2" fill="currentColor" stroke="none" />
      <path d="M11.5 12H21" />
      <path d="M17.5 12v3.5" />
      <path d="M20.5 12v2.5" />
    </svg>
  );
}
