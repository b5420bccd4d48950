"use client";
import { useEffect, useLayoutEffect } from "react";

/** useLayoutEffect in the browser, useEffect on the server (where neither runs, without React's warning). */
export const useIsomorphicLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;
