/**
 * The self-benchmark's fixed endpoint, run as its own process so it has a core of its own:
 * every GET gets the same empty poll answer, every POST a 201, as fast as node:http answers.
 * It is the "fast target" the driver and autocannon are both measured against; what it costs
 * is the same for both, so their ratio is the driver's own overhead.
 *
 * Prints "listening <port>" once ready; exits on SIGTERM.
 */
import http from "node:http";

const ANSWER = Buffer.from('{"notifications":[],"cursor":"0-0","count":0}');

const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  request.resume(); // a POST body is read and dropped
  request.on("end", () => {
    if (request.method === "POST") {
      response.writeHead(201, { "content-type": "application/json", "content-length": 2 });
      response.end("{}");
      return;
    }
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": ANSWER.length,
    });
    response.end(ANSWER);
  });
});
server.maxConnections = 20_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
