/**
 * A forward proxy that speaks only CONNECT (what undici's ProxyAgent uses for every target):
 * counts tunnels, records their targets and Proxy-Authorization, and answers 407 when `auth` is
 * set and the client's header is not that Basic value.
 */
import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface ConnectProxy {
  /** http://127.0.0.1:port, no credentials. */
  readonly url: string;
  readonly port: number;
  /** Every CONNECT seen: target "host:port" and the Proxy-Authorization header, if any. */
  readonly connects: { target: string; authorization?: string; allowed: boolean }[];
  close(): Promise<void>;
}

export async function startConnectProxy(options: { auth?: { user: string; password: string } } = {}): Promise<ConnectProxy> {
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}` : undefined;
  const connects: ConnectProxy["connects"] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      client.off("data", onData);
      const [requestLine, ...headerLines] = head.subarray(0, end).toString("latin1").split("\r\n");
      const rest = head.subarray(end + 4);
      const [method, target] = requestLine!.split(" ");
      const authorization = headerLines.find((l) => /^proxy-authorization:/i.test(l))?.replace(/^[^:]+:\s*/, "");
      if (method !== "CONNECT" || !target) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      const allowed = expected === undefined || authorization === expected;
      connects.push({ target, authorization, allowed });
      if (!allowed) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const colon = target.lastIndexOf(":");
      const upstream = connect(Number(target.slice(colon + 1)), target.slice(0, colon).replace(/^\[|\]$/g, ""), () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      track(upstream);
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
