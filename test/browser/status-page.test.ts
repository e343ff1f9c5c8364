// The status page in a real browser: `gmsa-ready sandbox --serve 0` runs the demo world as a child
// process and serves the deployed handler over its records; Debian's chromium (installed on demand by
// scripts/ensure-chromium.sh) opens it through playwright-core. The screenshot is checked to be a real
// render of this page; `UPDATE_SCREENSHOT=1 npx vitest run test/browser` also saves it as
// docs/status-page.png for the README (a normal test run never writes into the tree).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUSES } from '../../lib/status/statuses';
import { type DemoHost, demoHosts, FAILED_REASON } from '../status-cli/demo';
import { decodePng, type Image } from './png';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(ROOT, 'docs/status-page.png');
const VIEWPORT = { width: 1280, height: 800 };
// A first run on a fresh machine installs chromium from the Debian mirror.
const INSTALL_TIMEOUT_MS = 15 * 60_000;

const hosts = demoHosts();
const failed = hosts.find((host) => host.status === 'FAILED') as DemoHost;
const fleets = [...new Set(hosts.map((host) => host.fleet))];

let server: ChildProcess;
let serverOutput = { stdout: '', stderr: '' };
let exited: Promise<number | null>;
let url: string;
let browser: Browser;
let page: Page;

/** Starts `sandbox --serve 0` and resolves with the URL it prints (or fails with what it said instead). */
function startServer(): Promise<string> {
  server = spawn(process.execPath, ['bin/gmsa-ready.js', 'sandbox', '--serve', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serverOutput = { stdout: '', stderr: '' };
  exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
  server.stdout?.on('data', (chunk: Buffer) => {
    serverOutput.stdout += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      serverOutput.stderr += chunk.toString();
      const found = /status page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(serverOutput.stderr)?.[1];
      if (found) resolve(found);
    });
    server.once('exit', (code) =>
      reject(new Error(`sandbox --serve exited ${code} before serving:\n${serverOutput.stderr}`)),
    );
  });
}

beforeAll(async () => {
  const install = spawnSync('sh', [join(ROOT, 'scripts/ensure-chromium.sh')], {
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (install.status !== 0)
    throw new Error(`scripts/ensure-chromium.sh failed (${install.status ?? install.signal}): ${install.stderr}`);
  url = await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: VIEWPORT });
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
  await exited;
});

describe('scripts/ensure-chromium.sh', () => {
  it('once chromium is there, succeeds without a word and without apt', () => {
    const again = spawnSync('/bin/sh', [join(ROOT, 'scripts/ensure-chromium.sh')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expect({ status: again.status, stdout: again.stdout, stderr: again.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });
});

describe('the status page of the demo world, in chromium', () => {
  it('counts every fleet host by status', async () => {
    await page.goto(url);
    expect(await page.title()).toBe('gmsa-ready status');
    expect(await page.locator('#fleets tr[data-fleet]').evaluateAll((rows) => rows.map((r) => r.id))).toEqual(
      [...fleets].sort().map((fleet) => `fleet-${fleet}`),
    );
    for (const fleet of fleets) {
      const row = page.locator(`#fleet-${fleet}`);
      const mine = hosts.filter((host) => host.fleet === fleet);
      expect(await row.locator('[data-count="total"]').textContent()).toBe(String(mine.length));
      for (const status of STATUSES) {
        const count = mine.filter((host) => host.status === status).length;
        expect(await row.locator(`[data-count="${status}"]`).textContent(), `${fleet} ${status}`).toBe(String(count));
      }
    }
  });

  it('lists the failed host with its reason, and nothing in flight once the world is quiet', async () => {
    await page.goto(url);
    const rows = page.locator('#failed tr[data-instance]');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-instance')))).toEqual([
      failed.instanceId,
    ]);
    const row = page.locator(`#failed tr[data-instance="${failed.instanceId}"]`);
    expect(await row.getAttribute('data-status')).toBe('FAILED');
    expect(await row.locator('.badge').textContent()).toBe('FAILED');
    expect((await row.locator('td.reason').textContent())?.trim()).toMatch(FAILED_REASON);
    expect(await page.locator('#in-flight tr[data-instance]').count()).toBe(0);
    expect(await page.locator('#in-flight .empty').textContent()).toBe('No hosts in flight.');
  });

  // Settled hosts other than FAILED are counted, not listed: each one's status is on its timeline.
  it.each(hosts)('shows $instanceId as $status on its timeline', async (host) => {
    const response = await page.goto(`${url}?instance=${host.instanceId}`);
    expect(response?.status()).toBe(200);
    const timeline = page.locator(`#timeline[data-instance="${host.instanceId}"]`);
    expect(await timeline.locator('.badge').first().textContent()).toBe(host.status);
    expect(await timeline.locator('tr[data-step]').count()).toBeGreaterThan(0);
  });

  it('clicks through to the failed host timeline and renders it (screenshot: docs/status-page.png)', async () => {
    await page.goto(url);
    await page.locator(`#failed tr[data-instance="${failed.instanceId}"] a`).click();
    await page.waitForURL(`${url}?instance=${failed.instanceId}`);
    const timeline = page.locator(`#timeline[data-instance="${failed.instanceId}"]`);
    expect(await timeline.locator('h2').textContent()).toBe(`Timeline of ${failed.instanceId}`);
    expect(await timeline.locator('dd.reason').textContent()).toMatch(FAILED_REASON);
    expect(await timeline.locator('tr[data-step="join"]').count()).toBeGreaterThan(0);

    const png = await page.screenshot({ fullPage: true });
    const image = decodePng(png);
    expect(png.length).toBeGreaterThan(20_000);
    expect(image.width).toBe(VIEWPORT.width);
    expect(image.height).toBeGreaterThanOrEqual(VIEWPORT.height);
    // The page's own colours where its layout puts them: body background in the margin, white cards,
    // the FAILED badge's red tint inside the badge's box, and plenty of distinct colours (text).
    expect(near(image.pixel(4, 4), [0xf6, 0xf8, 0xfa])).toBe(true);
    const fleets = await box(page, '#fleets');
    expect(near(image.pixel(fleets.x + 4, fleets.y + 4), [0xff, 0xff, 0xff])).toBe(true);
    const badge = await box(page, '#timeline dd .badge.s-FAILED');
    expect(someIn(image, badge, (p) => near(p, [0xff, 0xeb, 0xe9]))).toBe(true);
    expect(someIn(image, badge, (p) => near(p, [0xa4, 0x0e, 0x26], 40))).toBe(true);
    expect(distinctColours(image)).toBeGreaterThan(50);
    if (process.env.UPDATE_SCREENSHOT === '1') writeFileSync(SCREENSHOT, png);
  });

  it('stops serving on SIGTERM and then prints the sandbox report', async () => {
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(serverOutput.stdout).toMatch(new RegExp(`${failed.instanceId} +${failed.fleet} +\\S+ +FAILED`));
    expect(serverOutput.stdout).toMatch(/virtual time \d\d:\d\d:\d\d/);
  });
});

type Rgba = [number, number, number, number];
type Box = { x: number; y: number; width: number; height: number };

function near(pixel: Rgba, rgb: [number, number, number], tolerance = 6): boolean {
  return rgb.every((value, i) => Math.abs((pixel[i] ?? 0) - value) <= tolerance);
}

async function box(page: Page, selector: string): Promise<Box> {
  const found = await page.locator(selector).boundingBox();
  if (!found) throw new Error(`${selector} is not rendered`);
  // Full-page screenshots start at the top of the document, bounding boxes at the viewport's.
  const scrollY = Number(await page.evaluate('window.scrollY'));
  return { x: Math.round(found.x), y: Math.round(found.y + scrollY), width: found.width, height: found.height };
}

function someIn(image: Image, area: Box, test: (pixel: Rgba) => boolean): boolean {
  for (let y = area.y; y < area.y + area.height; y++)
    for (let x = area.x; x < area.x + area.width; x++) if (test(image.pixel(x, y))) return true;
  return false;
}

function distinctColours(image: Image): number {
  const seen = new Set<number>();
  for (let y = 0; y < image.height; y += 2)
    for (let x = 0; x < image.width; x += 2) {
      const [r, g, b] = image.pixel(x, y);
      seen.add((r << 16) | (g << 8) | b);
    }
  return seen.size;
}
