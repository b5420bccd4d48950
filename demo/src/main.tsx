import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
// In your app: import { OpenRouterAuthProvider } from "openrouter-connect";
import { OpenRouterAuthProvider } from "../../src/index.js";
import { App } from "./App.js";
import { config } from "./config.js";
import "./styles.css";

const queryClient = new QueryClient();

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <OpenRouterAuthProvider
        authUrl={config.authUrl}
        baseUrl={config.baseUrl}
        mintUrl={config.mintUrl ?? undefined}
        appTitle="openrouter-connect demo"
      >
        <App />
      </OpenRouterAuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
