/**
 * The connection side of a client: direct, through a proxy (explicit, or read from the
 * environment as curl does), with extra trusted CAs. Everything is an undici dispatcher that the
 * transport dispatches on, so retries, auth calls and every module go the same way.
 *
 * The library reads proxy variables only when told (`proxy: "env"`): importing an SDK must not
 * reroute a program's traffic. The CLI asks for "env" by default.
 */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from "undici";
import { ConfigurationError } from "../errors/configuration-error.js";
import { readCa, trustedCas, type CaInput } from "./ca.js";
import { checkProxyUrl, proxySecrets, redactProxyUrl } from "./proxy-url.js";

export interface NetworkOptions {
  /**
   * `"http://[user:pass@]host:port"`: every call through this proxy (CONNECT tunnels, credentials
   * from the URL as Proxy-Authorization); `"env"`: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case),
   * as curl reads them; or an undici Dispatcher of your own (a ProxyAgent, a MockAgent…), which the
   * client never closes. Default: direct connections, whatever the environment says.
   */
  readonly proxy?: string | Dispatcher;
  /** Hosts an explicit `proxy` does not apply to, in NO_PROXY syntax ("localhost,.corp.example"). With "env": NO_PROXY. */
  readonly noProxy?: string;
  /** Extra CAs to trust (PEM text or a file path, or several), on top of Node's and NODE_EXTRA_CA_CERTS. */
  readonly ca?: CaInput;
}

export interface Network {
  /** The dispatcher to send on; undefined leaves the transport its own direct agent. */
  readonly dispatcher: Dispatcher | undefined;
  /** Proxy user info that must never be printed (scrubbed from errors and logs). */
  readonly secrets: readonly string[];
  /** The proxy in use, credentials redacted, for error messages. */
  readonly proxyLabel: string | undefined;
  /** Closes the dispatcher if this module made it. */
  close(): Promise<void>;
}

/** Same pool settings as the transport's own agent; the timeout until headers stays the SDK's. */
const POOL = { connections: 64, keepAliveTimeout: 10_000, headersTimeout: 0 } as const;

export function createNetwork(options: NetworkOptions, env: NodeJS.ProcessEnv = process.env): Network {
  const { proxy, noProxy } = options;
  if (proxy !== undefined && typeof proxy !== "string") {
    if (options.ca !== undefined) throw new ConfigurationError("`ca` cannot be applied to a dispatcher you pass as `proxy`: give it your own dispatcher's connect/requestTls options.");
    if (typeof (proxy as Dispatcher)?.dispatch !== "function") throw new ConfigurationError("`proxy` must be a proxy URL, \"env\", or an undici Dispatcher.");
    return { dispatcher: proxy, secrets: [], proxyLabel: "a custom dispatcher", close: async () => {} };
  }
  const ca = options.ca === undefined ? undefined : trustedCas(readCa(options.ca), env);
  const tls = ca ? { connect: { ca }, requestTls: { ca }, proxyTls: { ca } } : {};
  let dispatcher: Dispatcher | undefined;
  let secrets: string[] = [];
  let proxyLabel: string | undefined;
  if (proxy === "env") {
    const httpProxy = envValue(env, "http_proxy");
    const httpsProxy = envValue(env, "https_proxy");
    for (const [name, url] of [["HTTP_PROXY", httpProxy], ["HTTPS_PROXY", httpsProxy]] as const) if (url) checkProxyUrl(url, name);
    secrets = [...proxySecrets(httpProxy), ...proxySecrets(httpsProxy)];
    proxyLabel = httpsProxy || httpProxy ? redactProxyUrl((httpsProxy || httpProxy)!) : undefined;
    // Passed explicitly so undici and this module read the same variables the same way.
    dispatcher = new EnvHttpProxyAgent({ ...POOL, ...tls, httpProxy: httpProxy ?? "", httpsProxy: httpsProxy ?? "", noProxy: noProxy ?? envValue(env, "no_proxy") ?? "" });
  } else if (proxy !== undefined) {
    checkProxyUrl(proxy, "proxy");
    secrets = proxySecrets(proxy);
    proxyLabel = redactProxyUrl(proxy);
    dispatcher = new EnvHttpProxyAgent({ ...POOL, ...tls, httpProxy: proxy, httpsProxy: proxy, noProxy: noProxy ?? "" });
  } else if (ca) {
    dispatcher = new Agent({ ...POOL, connect: { ca } });
  }
  const own = dispatcher;
  return { dispatcher, secrets, proxyLabel, close: () => own?.close() ?? Promise.resolve() };
}

/** curl reads the lower-case name first (and only that one for http_proxy); an empty value means none. */
function envValue(env: NodeJS.ProcessEnv, lower: string): string | undefined {
  const value = env[lower]?.trim() || env[lower.toUpperCase()];
  return value?.trim() || undefined;
}
