import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
// In your app: import { OpenRouterAuthProvider } from "openrouter-connect";
import { OpenRouterAuthProvider } from "../../src/index.js";
import { App } from "./App.js";
import { config } from "./config.js";
import { saveLanguage, savedLanguage } from "./languages.js";
import "./styles.css";

const queryClient = new QueryClient();

/** The providers, with the buttons' language (`messages`, `locale`) the visitor picked. */
function Root() {
  const [language, setLanguage] = useState(savedLanguage);
  useEffect(() => saveLanguage(language), [language]);
  return (
    <OpenRouterAuthProvider
      authUrl={config.authUrl}
      baseUrl={config.baseUrl}
      mintUrl={config.mintUrl ?? undefined}
      appTitle="openrouter-connect demo"
      messages={language.messages}
      locale={language.tag}
    >
      <App language={language} onLanguage={setLanguage} />
    </OpenRouterAuthProvider>
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Root />
    </QueryClientProvider>
  </StrictMode>,
);
