import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of the browser tests: test artefacts, git-ignored. */
export const SCREENSHOT_DIR = join(__dirname, '../../test-artifacts/screenshots');

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS, headless: true });
}

/**
 * A fresh page whose every request must stay on loopback: anything else (a CDN, a font host)
 * is aborted and listed in `offsite`, so a test can assert the pages need no internet.
 */
export async function loopbackPage(browser: Browser): Promise<{ page: Page; offsite: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const offsite: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (
      url.hostname === '127.0.0.1' ||
      url.hostname === 'localhost' ||
      url.protocol === 'data:' ||
      url.protocol === 'blob:'
    )
      return route.continue();
    offsite.push(url.href);
    return route.abort();
  });
  return { page, offsite };
}

/** What tests read of a <video> inside the page (the test program has no DOM types). */
export interface VideoElementLike {
  readyState: number;
  duration: number;
  currentTime: number;
  videoWidth: number;
  currentSrc: string;
}

/** CodeMirror 5 keeps its editor on the wrapper element. */
export interface CodeMirrorHost {
  CodeMirror: { getValue(): string };
}

/** Saves a full-page screenshot as a test artefact and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
