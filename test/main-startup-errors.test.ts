import { createServer, type Server } from 'node:net';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';

/**
 * Start-up failures a user can fix: one line naming the setting, exit code 1, no stack trace
 * (the real entry point in a child process).
 */
describe('main.ts start-up errors', () => {
  const children: GatewayProcess[] = [];
  afterAll(() => {
    for (const child of children) child.child.kill('SIGKILL');
  });

  async function failsWith(env: Record<string, string>): Promise<string> {
    const gateway = spawnGateway({ LOG_LEVEL: 'silent', ...env });
    children.push(gateway);
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    const lines = gateway
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/^\s+at /);
    return lines[0]!;
  }

  it('names STORE_URL for an unsupported scheme', async () => {
    expect(await failsWith({ STORE_URL: 'mongodb://127.0.0.1/gateway' })).toMatch(
      /^STORE_URL: invalid STORE_URL "mongodb:\/\/127\.0\.0\.1\/gateway": unsupported scheme "mongodb"/,
    );
  });

  it('names STORE_URL for an unreachable database, without its password', async () => {
    const line = await failsWith({ STORE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/gateway' });
    expect(line).toMatch(
      /^STORE_URL: cannot reach the PostgreSQL store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1/,
    );
    expect(line).not.toContain('hunter2');
  });

  it('names PORT when the port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      expect(await failsWith({ STORE_URL: 'memory://', PORT: String(port) })).toBe(
        `PORT: 127.0.0.1:${port} is already in use`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
