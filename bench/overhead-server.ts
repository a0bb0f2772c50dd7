import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = JSON.stringify({ errorCode: null, message: null, body: { totalCount: 2, list: [{ id: 1, name: "Custom" }, { id: 2, name: "Custom QID" }] } });
// Generous limits, as a real subscription's headers would say: the scheduler must not throttle here.
const headers = {
  "Content-Type": "application/json",
  "X-RateLimit-Limit": "100000000",
  "X-RateLimit-Window-Sec": "3600",
  "X-RateLimit-Remaining": "99999999",
  "X-Concurrency-Limit-Limit": "64",
};
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, "127.0.0.1", () => process.send!((server.address() as AddressInfo).port));
