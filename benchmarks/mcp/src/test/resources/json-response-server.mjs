// An MCP server on the official TypeScript SDK's Streamable HTTP transport that answers with plain
// JSON bodies (enableJsonResponse), not SSE: what McpProbeGatewayIT traces for the JSON case.
// Usage: node json-response-server.mjs SDK_DIR PORT   (listens on 127.0.0.1:PORT)
import http from 'node:http';
import { randomUUID, webcrypto } from 'node:crypto';

// The SDK calls the global crypto.randomUUID(), which Node 18 (Debian 12's nodejs) does not define
// without a flag: its Streamable HTTP transport then answers every request with HTTP 400.
globalThis.crypto ??= webcrypto;

const [sdkDir, port] = process.argv.slice(2);
const { McpServer } = await import(`${sdkDir}/dist/esm/server/mcp.js`);
const { StreamableHTTPServerTransport } = await import(`${sdkDir}/dist/esm/server/streamableHttp.js`);
const { isInitializeRequest } = await import(`${sdkDir}/dist/esm/types.js`);

function newServer() {
  const server = new McpServer({ name: 'json-response', version: '1.0.0' });
  server.tool('echo', 'answers at once', async () => ({ content: [{ type: 'text', text: 'ok' }] }));
  server.tool('spin', 'a little CPU work', async () => {
    let h = 0;
    for (let i = 0; i < 100000; i++) h = (h * 31 + i) | 0;
    return { content: [{ type: 'text', text: String(h) }] };
  });
  return server;
}

const sessions = new Map();
const httpServer = http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  let parsed;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    res.writeHead(400).end();
    return;
  }
  const id = req.headers['mcp-session-id'];
  let transport = id && sessions.get(id);
  if (!transport) {
    if (req.method !== 'POST' || !isInitializeRequest(parsed)) {
      res.writeHead(id ? 404 : 400).end();
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (sid) => sessions.set(sid, transport),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res, parsed);
});
httpServer.listen(Number(port), '127.0.0.1');
