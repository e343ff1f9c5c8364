// The local function-URL server (requests become payload 2.0 events, results become responses) and
// `sandbox --serve`: the deployed status page handler over the sandbox's records, on loopback.
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { runSandbox } from '../../lib/cli/sandbox';
import { type LocalServer, serveFunctionUrl } from '../../lib/cli/serve';
import type { Report } from '../../lib/sandbox/report';
import { capture } from './capture';
import { type DemoHost, demoHosts, FAILED_REASON } from './demo';

describe('serveFunctionUrl', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(result: APIGatewayProxyStructuredResultV2 | Error) {
    const events: LambdaFunctionURLEvent[] = [];
    server = await serveFunctionUrl(async (event) => {
      events.push(event);
      if (result instanceof Error) throw result;
      return result;
    }, 0);
    return events;
  }

  it('binds 127.0.0.1 on a free port when asked for port 0', async () => {
    await serve({ statusCode: 204 });
    expect(server?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server?.url).not.toBe('http://127.0.0.1:0/');
  });

  it('hands the handler a function URL event: path, raw and parsed query (repeats comma-joined), lowercase headers', async () => {
    const events = await serve({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<p>ok</p>' });
    const url = new URL('page?instance=i-0123456789abcdef0&x=1&x=2', server?.url);

    const response = await fetch(url, { headers: { 'X-Probe': 'yes' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<p>ok</p>');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/page',
      rawQueryString: 'instance=i-0123456789abcdef0&x=1&x=2',
      queryStringParameters: { instance: 'i-0123456789abcdef0', x: '1,2' },
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        routeKey: '$default',
        stage: '$default',
        requestId: 'local-1',
        http: { method: 'GET', path: '/page', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
      },
    });
    expect(event?.headers['x-probe']).toBe('yes');
    expect(event?.headers.host).toBe(url.host);
    expect(event?.requestContext.timeEpoch).toBe(Date.parse(event?.requestContext.time ?? ''));
  });

  it('leaves queryStringParameters out when there is no query string, as function URLs do', async () => {
    const events = await serve({ statusCode: 200, body: '' });
    await fetch(server?.url ?? '');
    expect(events[0]?.rawQueryString).toBe('');
    expect(events[0]).not.toHaveProperty('queryStringParameters');
  });

  it('answers HEAD with the headers only, and a throwing handler with 500', async () => {
    await serve({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' });
    const head = await fetch(server?.url ?? '', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
    expect(await head.text()).toBe('');
    await server?.close();

    await serve(new Error('boom'));
    const failed = await fetch(server?.url ?? '');
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('Error: boom\n');
  });
});

describe('sandbox --serve', () => {
  const hosts = demoHosts();
  const failed = hosts.find((host) => host.status === 'FAILED') as DemoHost;

  it('serves the demo world status page until stopped, then prints the report', async () => {
    const { io, out } = capture();
    let announce: (url: string) => void = () => {};
    const announced = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const watched = {
      stdout: io.stdout,
      stderr: (text: string) => {
        io.stderr(text);
        const url = /status page: (http:\/\/\S+)/.exec(text)?.[1];
        if (url) announce(url);
      },
    };
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });

    const run = runSandbox(['--json', '--serve', '0'], watched, () => stopped);
    const url = await announced;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain(`<tr data-instance="${failed.instanceId}" data-status="FAILED">`);
    expect(html).toMatch(/join: join-domain-not-found: /);
    for (const fleet of new Set(hosts.map((host) => host.fleet))) {
      const total = hosts.filter((host) => host.fleet === fleet).length;
      expect(html).toContain(`<td class="num" data-count="total">${total}</td>`);
      expect(html).toContain(`data-fleet="${fleet}"`);
    }

    const timeline = await fetch(new URL(`?instance=${failed.instanceId}`, url));
    expect(timeline.status).toBe(200);
    expect(await timeline.text()).toContain(`<section id="timeline" data-instance="${failed.instanceId}">`);
    expect((await fetch(new URL('?instance=i-00000000000000000', url))).status).toBe(404);
    expect((await fetch(new URL('?instance=nope', url))).status).toBe(400);

    // Nothing on stdout until serving stops: it is the JSON report, whole.
    expect(out.stdout).toBe('');
    stop();
    expect(await run).toBe(0);
    const report = JSON.parse(out.stdout) as Report;
    expect(report.instances.find((i) => i.instanceId === failed.instanceId)?.reason).toMatch(FAILED_REASON);
    // Stopped means closed.
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a port already in use is a usage error, after the world ran', async () => {
    const taken = await serveFunctionUrl(async () => ({ statusCode: 204 }), 0);
    const port = new URL(taken.url).port;
    try {
      const { io, out } = capture();
      expect(await runSandbox(['--json', '--serve', port], io, () => Promise.reject(new Error('must not serve')))).toBe(
        2,
      );
      expect(out.stderr).toMatch(
        new RegExp(
          `^sandbox: --serve: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: .* \\(usage: [^\\n]*\\)\\n$`,
        ),
      );
    } finally {
      await taken.close();
    }
  });

  it.each([
    [['--serve'], /Option '--serve <value>' argument missing/],
    [['--serve='], /--serve must be a port number from 0 to 65535 \(0: any free port\), got ''/],
    [['--serve', '65536'], /got '65536'/],
    [['--serve=http'], /got 'http'/],
    [['--serve', '0', '--serve', '1'], /--serve given twice/],
  ])('%j is a usage error', async (argv, reason) => {
    const { io, out } = capture();
    expect(await runSandbox(argv, io, () => Promise.reject(new Error('must not serve')))).toBe(2);
    expect(out.stderr).toMatch(/^sandbox: /);
    expect(out.stderr).toMatch(reason);
  });
});
