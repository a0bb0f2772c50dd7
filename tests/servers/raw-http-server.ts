/**
 * A 127.0.0.1 HTTP/1.1 server on a bare TCP socket (node:net, not node:http), so a test decides
 * every byte of the answer and where each TCP write ends: chunk-size lines, data and CRLFs split
 * at any offset, headers apart from the body, chunk extensions, trailers, bodies shorter than
 * their Content-Length, truncated gzip, resets and stalls at any point. node:http frames answers
 * one way only and cannot produce most of these.
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Answers one request by writing raw bytes to the socket (see the helpers below). */
export type RawRoute = (socket: Socket, request: RawRequest, index: number) => void | Promise<void>;

export async function startRawServer(route: RawRoute) {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffered = Buffer.alloc(0);
    let busy = Promise.resolve();
    socket.on("data", (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end === -1) return;
        const [start, ...lines] = buffered.subarray(0, end).toString("latin1").split("\r\n");
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(":");
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers["content-length"] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const [method, path] = start!.split(" ");
        const request: RawRequest = { method: method!, path: path!, headers, body: buffered.subarray(end + 4, end + 4 + length) };
        buffered = buffered.subarray(end + 4 + length);
        const index = requests.push(request) - 1;
        // Answers on one keep-alive socket go out in order, as HTTP/1.1 requires.
        busy = busy.then(() => route(socket, request, index)).catch(() => void socket.destroy());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Status line and headers, ending with the blank line. */
export function head(status: number, headers: Record<string, string | number>, reason = "OK"): Buffer {
  const lines = [`HTTP/1.1 ${status} ${reason}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
}

export interface ChunkedOptions {
  /** Bytes of data per chunk. */
  readonly chunkSize: number;
  /** Appended to every chunk-size line, e.g. `;name=value` (servers may send them; clients ignore them). */
  readonly extension?: string;
  /** Trailer fields after the last chunk. */
  readonly trailers?: Record<string, string>;
  /** Hex digits in upper case, padded with zeros (both allowed by RFC 9112). */
  readonly upperHex?: boolean;
}

/** `body` framed as Transfer-Encoding: chunked, terminator and trailers included. */
export function chunked(body: Buffer, options: ChunkedOptions): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += options.chunkSize) {
    const data = body.subarray(i, i + options.chunkSize);
    const size = options.upperHex ? data.length.toString(16).toUpperCase().padStart(4, "0") : data.length.toString(16);
    parts.push(Buffer.from(`${size}${options.extension ?? ""}\r\n`, "latin1"), data, Buffer.from("\r\n"));
  }
  const trailers = Object.entries(options.trailers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  parts.push(Buffer.from(`0${options.extension ?? ""}\r\n${trailers}\r\n`, "latin1"));
  return Buffer.concat(parts);
}

/** Cuts `bytes` at the given offsets (ascending, inside the buffer). */
export function splitAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of offsets) {
    if (at <= from || at >= bytes.length) continue;
    pieces.push(bytes.subarray(from, at));
    from = at;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

/** Cuts `bytes` into pieces of `size` bytes. */
export function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/**
 * Writes each piece as its own TCP write, waiting `gapMs` between them (0: a macrotask), so the
 * client's parser meets them as separate reads. Resolves when the last one is flushed.
 */
export async function writeApart(socket: Socket, parts: readonly Buffer[], gapMs = 0): Promise<void> {
  for (let i = 0; i < parts.length; i++) {
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => socket.write(parts[i]!, () => resolve()));
    if (i < parts.length - 1) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

/** Kills the connection with a TCP RST (the peer sees ECONNRESET), not a clean FIN. */
export function reset(socket: Socket): void {
  socket.resetAndDestroy();
}
