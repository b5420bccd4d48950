// openrouter-connect/locales: complete translations of every text the components show or
// announce, one module per language, each `satisfies ConnectMessages`. Import only the ones you
// use: an app that imports none pays nothing for them.
//
//   import { de } from "openrouter-connect/locales";
//   <OpenRouterAuthProvider messages={de} locale="de-DE">…</OpenRouterAuthProvider>
export { defaultMessages as en } from "../core/messages.js";
export { de } from "./de.js";
export { es } from "./es.js";
export { fr } from "./fr.js";
export { ja } from "./ja.js";
export { zhCN } from "./zh-CN.js";
export { ptBR } from "./pt-BR.js";
export { ar } from "./ar.js";
