// Compile-time contract of ConnectButton's props (checked by `npm run typecheck`; each
// `@ts-expect-error` fails the typecheck if the line it marks ever compiles): where the key goes
// must be said, at least one of onKey, onConnected or exchangeUrl.
import { describe, expect, it } from "vitest";
import { AuthCallback, ConnectButton, OpenRouterAuthProvider, type ConnectButtonProps, type ConnectMessages } from "../../src/index.js";
import { de } from "../../src/locales/index.js";

const noop = () => {};

describe("ConnectButtonProps", () => {
  it("requires onKey, onConnected or exchangeUrl", () => {
    const elements = [
      <ConnectButton key="a" onKey={noop} />,
      <ConnectButton key="b" onConnected={noop} />,
      <ConnectButton key="c" exchangeUrl="/api/openrouter/exchange" />,
      <ConnectButton key="d" onKey={noop} onConnected={noop} mint={{ limit: 5 }} persist="local" aria-describedby="x" />,
      // @ts-expect-error: nowhere for the key to go
      <ConnectButton key="e" />,
      // @ts-expect-error: still nowhere, whatever else is set
      <ConnectButton key="f" mint={{ limit: 5 }} persist />,
      // @ts-expect-error: `type` is the button's own ("button")
      <ConnectButton key="g" onKey={noop} type="submit" />,
    ];
    const props: ConnectButtonProps[] = [{ onKey: noop }, { onConnected: noop }, { exchangeUrl: "/x" }];
    expect(elements).toHaveLength(7);
    expect(props).toHaveLength(3);
  });
});

describe("messages", () => {
  it("takes a whole locale or a few keys, and no key the table does not have", () => {
    const elements = [
      <OpenRouterAuthProvider key="a" messages={de} locale="de-DE" />,
      <ConnectButton key="b" onKey={noop} messages={{ connect: "Verbinden" }} locale="de-DE" />,
      <AuthCallback key="c" messages={{ relayed: "Fertig." }} />,
      // @ts-expect-error: a misspelled key
      <ConnectButton key="d" onKey={noop} messages={{ conect: "Verbinden" }} />,
      // @ts-expect-error: texts are strings (placeholders like {balance}), not functions
      <ConnectButton key="e" onKey={noop} messages={{ connectedWithBalance: (amount: string) => amount }} />,
    ];
    // @ts-expect-error: a translation missing a key is not a ConnectMessages
    const incomplete: ConnectMessages = { connect: "Verbinden" };
    expect(elements).toHaveLength(5);
    expect(incomplete).toBeDefined();
  });
});
